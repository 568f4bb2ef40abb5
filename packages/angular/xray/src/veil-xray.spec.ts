// The X-ray the Angular way, in Chromium, in development mode (as `ng test`
// runs): <veil-xray> and provideVeilXray(), imported as an app imports them
// (this entry's public API, the main entry by package name).
// veil-xray.production.spec.ts checks that production mode draws nothing.
import { Component, signal, viewChild, type EnvironmentProviders } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SensitiveDirective, VEIL_OPTIONS, provideVeil, type VeilOptions } from '@veil/angular';
import { collectingTransport, until } from '../../src/testing/helpers';
import { VEIL_OPTIONS as SOURCE_VEIL_OPTIONS } from '../../src/lib/veil-options';
import { VeilXrayComponent, provideVeilXray } from './public-api';

/** The overlay's host: the core's 0×0 element, blocked from any recording (not the <veil-xray> component). */
const overlay = () => document.querySelector('veil-xray[data-veil="block"]');

@Component({
  selector: 'app-checkout',
  imports: [VeilXrayComponent, SensitiveDirective],
  template: `
    <form>
      <label>Card number <input id="card" autocomplete="cc-number" /></label>
      <label>Coupon <input id="coupon" /></label>
      <p sensitive>Ships to Margarethe Quellbrunn</p>
    </form>
    @if (show()) {
      <veil-xray [options]="options()" />
    }
  `,
})
class Checkout {
  readonly show = signal(true);
  readonly options = signal<VeilOptions | undefined>(undefined);
  readonly xray = viewChild(VeilXrayComponent);
}

function setUp(options: Partial<VeilOptions> = {}, ...providers: EnvironmentProviders[]) {
  TestBed.configureTestingModule({
    providers: [provideVeil({ transport: collectingTransport().transport, privacy: 'relaxed', ...options }), ...providers],
  });
  const fixture = TestBed.createComponent(Checkout);
  fixture.detectChanges();
  return fixture;
}

/** Long enough for an overlay asked for to be drawn: the module is loaded, the app rendered, two frames passed. */
async function settled(fixture: { whenStable(): Promise<unknown> }) {
  await import('@veil/core/xray');
  await fixture.whenStable();
  for (let i = 0; i < 3; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
}

const withQuery = (query: string) => history.replaceState(null, '', `${location.pathname}${query}${location.hash}`);
const search = location.search;
afterEach(() => withQuery(search));

describe('<veil-xray>', () => {
  it("finds provideVeil()'s options: '@veil/angular' is the source the other specs use, not a second copy from dist", () => {
    expect(VEIL_OPTIONS).toBe(SOURCE_VEIL_OPTIONS);
  });

  it('outlines what the options of provideVeil() record while it is in the view, and is gone after', async () => {
    const fixture = setUp();
    const component = () => fixture.componentInstance.xray()!;
    await until(() => component().xray() !== null, 'the X-ray drawn');
    expect(overlay()).not.toBeNull();
    // relaxed, from provideVeil(): the coupon is recorded, the card number never, the sensitive text masked
    const counts = component().xray()!.counts();
    expect(counts.recorded.fields).toBe(1);
    expect(counts['never recorded'].fields).toBe(1);
    expect(counts.masked.all).toBeGreaterThanOrEqual(1);
    fixture.componentInstance.show.set(false);
    fixture.detectChanges();
    expect(overlay()).toBeNull();
  });

  it("passes provideVeil()'s recordInputs on: false masks every input value, even in relaxed mode", async () => {
    const fixture = setUp({ recordInputs: false });
    const xray = () => fixture.componentInstance.xray()!.xray();
    await until(() => xray() !== null, 'the X-ray drawn');
    expect(xray()!.counts().recorded.fields).toBe(0);
    expect(xray()!.counts().masked.fields).toBe(1);
  });

  it('shows [options] when given, and redraws when they change', async () => {
    const fixture = setUp();
    fixture.componentInstance.options.set({ privacy: 'strict', transport: () => {} });
    fixture.detectChanges();
    const xray = () => fixture.componentInstance.xray()!.xray();
    // strict masks every value: the coupon too
    await until(() => xray()?.counts().masked.fields === 1 && xray()?.counts().recorded.fields === 0, 'the strict X-ray');
    fixture.componentInstance.options.set({ privacy: 'relaxed', transport: () => {} });
    fixture.detectChanges();
    await until(() => xray()?.counts().recorded.fields === 1, 'the relaxed X-ray');
    // one overlay: the previous one was removed
    expect(document.querySelectorAll('veil-xray[data-veil="block"]').length).toBe(1);
  });
});

describe('provideVeilXray()', () => {
  /** The app without <veil-xray>: what is drawn is provideVeilXray()'s. */
  function withoutComponent(fixture: ReturnType<typeof setUp>) {
    fixture.componentInstance.show.set(false);
    fixture.detectChanges();
    return fixture;
  }

  it('show: true shows the X-ray from the first render until the application is destroyed', async () => {
    withoutComponent(setUp({}, provideVeilXray({ show: true })));
    await until(() => overlay() !== null, 'the X-ray drawn by provideVeilXray({ show: true })');
    TestBed.resetTestingModule();
    expect(overlay()).toBeNull();
  });

  it('shows it when the URL has ?veil-xray', async () => {
    withQuery('?veil-xray');
    withoutComponent(setUp({}, provideVeilXray()));
    await until(() => overlay() !== null, 'the X-ray drawn for ?veil-xray');
  });

  it('shows nothing without the query, nor with it and show: false, nor without provideVeilXray()', async () => {
    let fixture = withoutComponent(setUp({}, provideVeilXray()));
    await settled(fixture);
    expect(overlay()).toBeNull();
    TestBed.resetTestingModule();
    withQuery('?veil-xray');
    fixture = withoutComponent(setUp({}, provideVeilXray({ show: false })));
    await settled(fixture);
    expect(overlay()).toBeNull();
    TestBed.resetTestingModule();
    fixture = withoutComponent(setUp());
    await settled(fixture);
    expect(overlay()).toBeNull();
  });

  it("draws with the options it is given instead of provideVeil()'s", async () => {
    withoutComponent(setUp({}, provideVeilXray({ show: true, options: { privacy: 'strict' } })));
    await until(() => overlay() !== null, 'the X-ray drawn with its own options');
  });

  it('throws what to pass when given something other than an options object', () => {
    expect(() => provideVeilXray(true as never)).toThrow(/provideVeilXray\(\{ show: true \}\)/);
  });
});
