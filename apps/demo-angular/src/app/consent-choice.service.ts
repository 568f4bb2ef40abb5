import { Injectable, inject, signal } from '@angular/core';
import { VeilRecorder } from '@veil/angular';

export type Choice = 'unasked' | 'allowed' | 'declined';

const KEY = 'veil-demo-consent';

function stored(): Choice {
  try {
    const value = sessionStorage.getItem(KEY);
    return value === 'allowed' || value === 'declined' ? value : 'unasked';
  } catch {
    return 'unasked'; // no storage (server rendering, privacy settings)
  }
}

function store(choice: Choice): void {
  try {
    if (choice === 'unasked') sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, choice);
  } catch {
    // the choice then lasts for this page only
  }
}

/**
 * The visitor's answer to the consent banner, kept for the tab (a real site
 * would keep it in its consent manager) and handed to the recorder, which was
 * set up with `requireConsent: true`: nothing is recorded before "Allow".
 */
@Injectable({ providedIn: 'root' })
export class ConsentChoice {
  private readonly veil = inject(VeilRecorder);
  private readonly current = signal<Choice>(stored());
  readonly choice = this.current.asReadonly();

  constructor() {
    // An answer given earlier in this tab (e.g. before a privacy mode switch reloaded the page).
    if (this.current() === 'allowed') this.veil.grantConsent();
    if (this.current() === 'declined') this.veil.revokeConsent();
  }

  allow(): void {
    this.set('allowed');
    this.veil.grantConsent();
  }

  decline(): void {
    this.set('declined');
    this.veil.revokeConsent();
  }

  /** Shows the banner again. */
  ask(): void {
    this.set('unasked');
  }

  private set(choice: Choice): void {
    store(choice);
    this.current.set(choice);
  }
}
