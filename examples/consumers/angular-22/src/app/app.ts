import { Component, inject } from '@angular/core';
import { NoRecordDirective, SensitiveDirective, VeilRecorder } from '@veil/angular';

@Component({
  selector: 'app-root',
  imports: [SensitiveDirective, NoRecordDirective],
  template: `
    <main>
      @if (veil.consent() === 'pending') {
        <div role="dialog">
          May we record this visit?
          <button id="veil-consent-yes" (click)="veil.grantConsent()">Yes</button>
          <button (click)="veil.revokeConsent()">No</button>
        </div>
      }
      <h1>Veil consumer smoke page</h1>
      <p>
        Recorder: <span id="veil-state">{{ veil.state() }}</span>
      </p>
      <form>
        <div sensitive>
          <label>Private note <input id="memo" /></label>
        </div>
        <label>Ordinary note <input id="note" /></label>
        <aside noRecord>Support chat</aside>
      </form>
    </main>
  `,
})
export class App {
  protected readonly veil = inject(VeilRecorder);
}
