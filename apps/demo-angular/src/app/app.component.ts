import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { NoRecordDirective, SensitiveDirective, UnmaskDirective } from '@veil/angular';
import { CheckoutFormComponent } from './checkout-form.component';
import { ConsentBannerComponent } from './consent-banner.component';
import { CustomerPanelComponent } from './customer-panel.component';
import { MODE_HELP, PRIVACY_MODE } from './privacy-mode';
import { ProductsComponent } from './products.component';
import { ProfileComponent } from './profile.component';
import { ReplayPanelComponent } from './replay-panel.component';
import { SentBatches } from './sent-batches.service';
import { SignupFormComponent } from './signup-form.component';
import { SupportChatComponent } from './support-chat.component';
import { TopBarComponent } from './top-bar.component';

/**
 * Fernhill Supply Co., a pretend shop recorded by @veil/angular. Which parts are
 * marked is decided here, in the templates, with the [sensitive], [noRecord]
 * and [unmask] directives; fields that are sensitive by nature (passwords,
 * card fields, personal fields) need no marker at all.
 */
@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    TopBarComponent,
    ConsentBannerComponent,
    ProductsComponent,
    SignupFormComponent,
    CheckoutFormComponent,
    ProfileComponent,
    CustomerPanelComponent,
    SupportChatComponent,
    ReplayPanelComponent,
    SensitiveDirective,
    NoRecordDirective,
    UnmaskDirective,
  ],
  template: `
    <app-top-bar />
    <p class="mode-help" id="mode-help">{{ help }}</p>
    @if (sent.error(); as error) {
      <p class="banner error" role="alert">{{ error }}</p>
    }
    <app-consent-banner />

    <div class="layout">
      <main class="shop">
        <app-products />

        <p class="notice" id="shipping-notice" unmask>
          Free shipping on orders over €50 · order before 14:00 for same-day dispatch.
          <small>(This line has <code>unmask</code>: strict mode records it.)</small>
        </p>

        <div class="forms">
          <app-signup-form />
          <app-checkout-form />
          <app-profile />
        </div>

        <app-customer-panel id="customer-panel" sensitive />
        <app-support-chat id="support-chat" noRecord />
      </main>

      <!-- ReplayPanelComponent marks itself noRecord (a host directive): the recorder never records its own replay. -->
      <app-replay-panel />
    </div>
  `,
})
export class AppComponent {
  protected readonly help = MODE_HELP[inject(PRIVACY_MODE)];
  protected readonly sent = inject(SentBatches);
}
