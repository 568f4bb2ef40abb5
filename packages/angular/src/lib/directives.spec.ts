import { Component, NgModule, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';
import { NoRecordDirective } from './no-record.directive';
import { SensitiveDirective } from './sensitive.directive';
import { UnmaskDirective } from './unmask.directive';
import { VeilModule } from './veil.module';

function render<T>(component: new () => T) {
  const fixture = TestBed.createComponent(component);
  fixture.detectChanges();
  const el = (id: string): HTMLElement => {
    const found = (fixture.nativeElement as HTMLElement).querySelector<HTMLElement>(`#${id}`);
    if (!found) throw new Error(`no #${id}`);
    return found;
  };
  return { fixture, el, mark: (id: string) => el(id).getAttribute('data-veil') };
}

describe('the marker directives', () => {
  it('set data-veil on the host element when used as plain attributes', () => {
    @Component({
      imports: [SensitiveDirective, NoRecordDirective, UnmaskDirective],
      template: `
        <section id="s" sensitive>Ada Lovelace</section>
        <aside id="n" noRecord>chat</aside>
        <h2 id="u" unmask>Linen Overshirt</h2>
        <p id="plain">no marker</p>
      `,
    })
    class Host {}
    const { mark, el } = render(Host);
    expect(mark('s')).toBe('mask');
    expect(mark('n')).toBe('block');
    expect(mark('u')).toBe('unmask');
    expect(el('plain').hasAttribute('data-veil')).toBe(false);
  });

  it('add, change and remove the attribute when the bound value changes', async () => {
    @Component({
      imports: [SensitiveDirective, NoRecordDirective, UnmaskDirective],
      template: `
        <p id="s" [sensitive]="on()">x</p>
        <p id="n" [noRecord]="on()">x</p>
        <p id="u" [unmask]="on()">x</p>
      `,
    })
    class Host {
      readonly on = signal<unknown>(false);
    }
    const { fixture, mark } = render(Host);
    const marks = () => [mark('s'), mark('n'), mark('u')];
    expect(marks()).toEqual([null, null, null]);

    fixture.componentInstance.on.set(true);
    await fixture.whenStable();
    expect(marks()).toEqual(['mask', 'block', 'unmask']);

    fixture.componentInstance.on.set(0);
    await fixture.whenStable();
    expect(marks()).toEqual([null, null, null]);

    fixture.componentInstance.on.set('yes');
    await fixture.whenStable();
    expect(marks()).toEqual(['mask', 'block', 'unmask']);

    fixture.componentInstance.on.set(undefined);
    await fixture.whenStable();
    expect(marks()).toEqual([null, null, null]);
  });

  it('treat a static "false" as off and any other static value as on', () => {
    @Component({
      imports: [SensitiveDirective],
      template: `<p id="off" sensitive="false">x</p><p id="on" sensitive="true">x</p>`,
    })
    class Host {}
    const { mark } = render(Host);
    expect(mark('off')).toBeNull();
    expect(mark('on')).toBe('mask');
  });

  it('agree on the strongest mark when several are on one element (block > mask > unmask)', async () => {
    @Component({
      imports: [SensitiveDirective, NoRecordDirective, UnmaskDirective],
      template: `
        <p id="a" noRecord [sensitive]="masked()">x</p>
        <p id="b" [sensitive]="masked()" unmask>x</p>
        <p id="c" [unmask]="true" [noRecord]="blocked()" [sensitive]="masked()">x</p>
      `,
    })
    class Host {
      readonly masked = signal(true);
      readonly blocked = signal(false);
    }
    const { fixture, mark } = render(Host);
    expect([mark('a'), mark('b'), mark('c')]).toEqual(['block', 'mask', 'mask']);

    fixture.componentInstance.masked.set(false);
    await fixture.whenStable();
    expect([mark('a'), mark('b'), mark('c')]).toEqual(['block', 'unmask', 'unmask']);

    fixture.componentInstance.blocked.set(true);
    await fixture.whenStable();
    expect(mark('c')).toBe('block');
  });

  it('keep a stronger data-veil attribute written beside them, also when switched off', async () => {
    @Component({
      imports: [SensitiveDirective, UnmaskDirective],
      template: `<p id="a" data-veil="block" [unmask]="on()">x</p><p id="b" data-veil="unmask" [sensitive]="on()">x</p>`,
    })
    class Host {
      readonly on = signal(true);
    }
    const { fixture, mark } = render(Host);
    expect([mark('a'), mark('b')]).toEqual(['block', 'mask']);
    fixture.componentInstance.on.set(false);
    await fixture.whenStable();
    expect([mark('a'), mark('b')]).toEqual(['block', 'unmask']);
  });

  it('mark components as hosts, and elements created later by control flow', async () => {
    @Component({ selector: 'app-chat', template: `<input id="msg" />` })
    class Chat {}
    @Component({
      imports: [Chat, NoRecordDirective, SensitiveDirective],
      template: `
        <app-chat id="chat" noRecord />
        @for (row of rows(); track row) {
          <td [id]="row" sensitive>{{ row }}</td>
        }
      `,
    })
    class Host {
      readonly rows = signal(['r1']);
    }
    const { fixture, mark } = render(Host);
    expect(mark('chat')).toBe('block');
    fixture.componentInstance.rows.set(['r1', 'r2']);
    await fixture.whenStable();
    expect([mark('r1'), mark('r2')]).toEqual(['mask', 'mask']);
  });

  it('are exported by VeilModule for NgModule declarations', () => {
    @Component({
      standalone: false,
      selector: 'app-legacy',
      template: `<p id="s" sensitive>a</p><p id="n" noRecord>b</p><p id="u" [unmask]="true">c</p>`,
    })
    class Legacy {}
    @NgModule({ imports: [VeilModule], declarations: [Legacy] })
    class LegacyModule {}

    TestBed.configureTestingModule({ imports: [LegacyModule] });
    const { mark } = render(Legacy);
    expect([mark('s'), mark('n'), mark('u')]).toEqual(['mask', 'block', 'unmask']);
  });
});
