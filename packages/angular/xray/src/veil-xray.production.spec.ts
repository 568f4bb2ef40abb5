// Production mode draws no X-ray: not <veil-xray>, not provideVeilXray({ show: true }),
// not ?veil-xray. A file of its own: enableProdMode() lasts for the page.
import { Component, enableProdMode, isDevMode, viewChild } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';
import { provideVeil } from '@veil/angular';
import { collectingTransport } from '../../src/testing/helpers';
import { VeilXrayComponent, provideVeilXray } from './public-api';

enableProdMode();

@Component({
  imports: [VeilXrayComponent],
  template: `<label>Card number <input id="card" autocomplete="cc-number" /></label><veil-xray />`,
})
class Checkout {
  readonly xray = viewChild.required(VeilXrayComponent);
}

describe('the X-ray in production mode', () => {
  it('is neither loaded nor drawn', async () => {
    expect(isDevMode()).toBe(false);
    history.replaceState(null, '', `${location.pathname}?veil-xray${location.hash}`);
    TestBed.configureTestingModule({
      providers: [provideVeil({ transport: collectingTransport().transport }), provideVeilXray({ show: true })],
    });
    const fixture = TestBed.createComponent(Checkout);
    fixture.detectChanges();
    // as long as a development build takes to draw it: the module loaded, the app stable, frames passed
    await import('@veil/core/xray');
    await fixture.whenStable();
    for (let i = 0; i < 3; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(document.querySelector('veil-xray[data-veil="block"]')).toBeNull();
    expect(fixture.componentInstance.xray().xray()).toBeNull();
  });
});
