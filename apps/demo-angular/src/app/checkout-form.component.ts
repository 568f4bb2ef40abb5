import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';

@Component({
  selector: 'app-checkout-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule],
  template: `
    <form class="card" id="checkout-form" [formGroup]="form" (ngSubmit)="submit()">
      <h2>Checkout</h2>
      <fieldset>
        <legend>Payment</legend>
        <label>Card number
          <input id="card-number" formControlName="number" name="cardnumber" autocomplete="cc-number" inputmode="numeric" placeholder="1234 5678 9012 3456" />
        </label>
        <div class="row">
          <label>Expiry
            <input id="card-exp" formControlName="expiry" name="exp-date" autocomplete="cc-exp" placeholder="MM/YY" maxlength="7" />
          </label>
          <label>CVC
            <input id="card-cvc" formControlName="cvc" name="cvc" autocomplete="cc-csc" inputmode="numeric" maxlength="4" placeholder="123" />
          </label>
        </div>
        <label>Name on card
          <input id="card-name" formControlName="holder" name="ccname" autocomplete="cc-name" />
        </label>
      </fieldset>
      <label>Gift message <small>(an ordinary field: recorded in relaxed mode)</small>
        <input id="gift-message" formControlName="gift" name="gift" placeholder="Happy birthday!" />
      </label>
      <button type="submit" class="primary">Place order</button>
      <p class="form-status" role="status">{{ status() }}</p>
    </form>
  `,
})
export class CheckoutFormComponent {
  protected readonly form = inject(FormBuilder).nonNullable.group({
    number: '',
    expiry: '',
    cvc: '',
    holder: '',
    gift: '',
  });
  protected readonly status = signal('');

  protected submit(): void {
    this.status.set('Order placed (not really: nothing was charged).');
  }
}
