import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ConsentChoice } from './consent-choice.service';

@Component({
  selector: 'app-consent-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (consent.choice() === 'unasked') {
      <section class="consent" id="consent-banner" role="region" aria-labelledby="consent-title">
        <div>
          <h2 id="consent-title">May we record this visit?</h2>
          <p>
            We replay sessions to find what is confusing on this page. Passwords, card details,
            your address and anything marked private are never recorded. Nothing is recorded
            until you allow it.
          </p>
        </div>
        <div class="consent-actions">
          <button type="button" class="primary" id="consent-allow" (click)="consent.allow()">Allow recording</button>
          <button type="button" id="consent-decline" (click)="consent.decline()">No thanks</button>
        </div>
      </section>
    }
  `,
})
export class ConsentBannerComponent {
  protected readonly consent = inject(ConsentChoice);
}
