import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { VeilRecorder, type PrivacyMode } from '@veil/angular';
import { ConsentChoice } from './consent-choice.service';
import { PRIVACY_MODE, PRIVACY_MODES, switchPrivacyMode } from './privacy-mode';
import { XraySwitchComponent } from './xray-switch.component';

@Component({
  selector: 'app-top-bar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'topbar' },
  imports: [XraySwitchComponent],
  template: `
    <div class="brand">
      <span class="logo" aria-hidden="true">V</span>
      <div>
        <h1>Veil demo <span class="sub">— Angular, &#64;veil/angular</span></h1>
        <p class="tagline">Fernhill Supply Co. · a pretend shop, recorded privately by default</p>
      </div>
    </div>
    <fieldset class="modes" id="privacy-modes">
      <legend>Privacy mode</legend>
      @for (option of modes; track option) {
        <label>
          <input type="radio" name="privacy" [value]="option" [checked]="option === mode" (change)="switchTo(option)" />
          <span>{{ option }}</span>
        </label>
      }
    </fieldset>
    <app-xray-switch />
    <div class="rec" aria-live="polite">
      <span class="dot" [class]="'dot ' + veil.state()"></span>
      <span id="rec-state">{{ label() }}</span>
      @if (consent.choice() === 'declined') {
        <button type="button" class="link" (click)="consent.ask()">change</button>
      }
    </div>
  `,
})
export class TopBarComponent {
  protected readonly veil = inject(VeilRecorder);
  protected readonly consent = inject(ConsentChoice);
  protected readonly mode = inject(PRIVACY_MODE);
  protected readonly modes = PRIVACY_MODES;
  protected readonly label = computed(() => {
    const state = this.veil.state();
    if (state === 'awaiting-consent') {
      return this.consent.choice() === 'declined' ? 'not recording (declined)' : 'waiting for consent';
    }
    return `${state} · ${this.mode}`;
  });

  protected switchTo(mode: PrivacyMode): void {
    if (mode !== this.mode) switchPrivacyMode(mode);
  }
}
