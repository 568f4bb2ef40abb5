import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';

@Component({
  selector: 'app-signup-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule],
  template: `
    <form class="card" id="signup-form" [formGroup]="form" (ngSubmit)="submit()">
      <h2>Create an account</h2>
      <label>Full name
        <input id="full-name" formControlName="name" name="name" autocomplete="name" placeholder="Ada Lovelace" />
      </label>
      <label>E-mail
        <input id="email" type="email" formControlName="email" name="email" autocomplete="email" placeholder="you@example.com" />
      </label>
      <label>Password
        <span class="with-button">
          <input
            id="password"
            [type]="showPassword() ? 'text' : 'password'"
            formControlName="password"
            name="password"
            autocomplete="new-password"
          />
          <button
            type="button"
            id="toggle-password"
            aria-controls="password"
            [attr.aria-pressed]="showPassword()"
            (click)="showPassword.set(!showPassword())"
          >{{ showPassword() ? 'hide' : 'show' }}</button>
        </span>
      </label>
      <p class="field-note">The password stays unrecorded after “show”: Veil remembers it was a password field.</p>
      <button type="submit" class="primary">Sign up</button>
      <p class="form-status" role="status">{{ status() }}</p>
    </form>
  `,
})
export class SignupFormComponent {
  protected readonly form = inject(FormBuilder).nonNullable.group({ name: '', email: '', password: '' });
  protected readonly showPassword = signal(false);
  protected readonly status = signal('');

  protected submit(): void {
    this.status.set('Account created (not really: this is a demo).');
  }
}
