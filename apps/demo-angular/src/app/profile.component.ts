import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { SensitiveDirective } from '@veil/angular';

/** A delivery profile: address fields are personal by nature (autocomplete tokens), masked in every mode. */
@Component({
  selector: 'app-profile',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, SensitiveDirective],
  template: `
    <form class="card" id="profile-form" [formGroup]="form" (ngSubmit)="save()">
      <h2>Delivery profile</h2>
      <label>Street address
        <textarea id="street" formControlName="street" name="street" autocomplete="street-address" rows="2"></textarea>
      </label>
      <div class="row">
        <label>Postal code
          <input id="postal-code" formControlName="postal" name="postal" autocomplete="postal-code" />
        </label>
        <label>City
          <input id="city" formControlName="city" name="city" autocomplete="address-level2" />
        </label>
      </div>
      <div class="row">
        <label>Country
          <select id="country" formControlName="country" name="country" autocomplete="country">
            <option value="">Choose…</option>
            @for (country of countries; track country[0]) {
              <option [value]="country[0]">{{ country[1] }}</option>
            }
          </select>
        </label>
        <label>Phone
          <input id="phone" type="tel" formControlName="phone" name="phone" autocomplete="tel" />
        </label>
      </div>
      <button type="submit" class="primary">Save address</button>
      @if (saved(); as address) {
        <!-- Shown as page text, so it needs a marker: personal data outside a form field. -->
        <p class="saved" id="saved-address" sensitive>Saved: {{ address }}</p>
      }
    </form>
  `,
})
export class ProfileComponent {
  protected readonly form = inject(FormBuilder).nonNullable.group({
    street: '',
    postal: '',
    city: '',
    country: '',
    phone: '',
  });
  protected readonly countries = [
    ['AT', 'Austria'],
    ['BE', 'Belgium'],
    ['DE', 'Germany'],
    ['FR', 'France'],
    ['IE', 'Ireland'],
    ['IS', 'Iceland'],
    ['NL', 'Netherlands'],
    ['PT', 'Portugal'],
  ] as const;
  protected readonly saved = signal('');

  protected save(): void {
    const { street, postal, city } = this.form.getRawValue();
    this.saved.set([street, `${postal} ${city}`.trim()].filter(Boolean).join(', '));
  }
}
