// The server platform (server-side rendering, prerendering): the markers are
// rendered into the HTML, and nothing records, whatever the options say.
import { Component, PLATFORM_ID } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { NoRecordDirective } from './no-record.directive';
import { provideVeil } from './provide-veil';
import { SensitiveDirective } from './sensitive.directive';
import { UnmaskDirective } from './unmask.directive';
import { VeilModule } from './veil.module';
import { VeilRecorder } from './veil-recorder.service';

@Component({
  selector: 'app-page',
  imports: [SensitiveDirective, NoRecordDirective, UnmaskDirective],
  template: `
    <h1 unmask>Fernhill Supply Co.</h1>
    <section sensitive>Margarethe Quellbrunn</section>
    <aside noRecord>Support chat</aside>
    <p [sensitive]="false">Public</p>
  `,
})
class Page {}

describe.each(['provideVeil', 'VeilModule.forRoot'] as const)('on the server platform (%s)', (how) => {
  it('renders the data-veil markers and never records', async () => {
    const transport = vi.fn();
    const options = { transport, requireConsent: false };
    TestBed.configureTestingModule({
      providers: [{ provide: PLATFORM_ID, useValue: 'server' }, ...(how === 'provideVeil' ? [provideVeil(options)] : [])],
      imports: how === 'provideVeil' ? [] : [VeilModule.forRoot(options)],
    });
    const fixture = TestBed.createComponent(Page);
    fixture.detectChanges();
    await fixture.whenStable();

    const html = (fixture.nativeElement as HTMLElement).innerHTML;
    expect(html).toContain('<h1 unmask="" data-veil="unmask">');
    expect(html).toContain('<section sensitive="" data-veil="mask">');
    expect(html).toContain('<aside norecord="" data-veil="block">');
    expect(html).toMatch(/<p>Public<\/p>/);

    const veil = TestBed.inject(VeilRecorder);
    expect(veil.recorder).toBeNull();
    expect(veil.state()).toBe('idle');
    veil.start();
    veil.grantConsent();
    veil.mask('section');
    await veil.flush();
    expect(veil.state()).toBe('idle');
    expect(veil.recording()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(transport).not.toHaveBeenCalled();
    TestBed.resetTestingModule();
    expect(transport).not.toHaveBeenCalled();
  });
});
