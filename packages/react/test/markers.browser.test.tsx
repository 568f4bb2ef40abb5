import { createRef, forwardRef, type ComponentPropsWithoutRef } from 'react';
import { describe, expect, it } from 'vitest';
import { EventType } from '@veil/core';
import { render } from 'vitest-browser-react';
import { NoRecord, Sensitive, Unmask, VeilProvider, useNoRecord, useSensitive, useUnmask, type Recorder } from '../src/index';
import { collector, Probe } from './helpers';

describe('marker components', () => {
  it('render <Sensitive>, <NoRecord> and <Unmask> as div elements marked mask, block and unmask', async () => {
    const { container } = await render(
      <>
        <Sensitive id="s">secret</Sensitive>
        <NoRecord id="n">chat</NoRecord>
        <Unmask id="u">notice</Unmask>
      </>,
    );
    for (const [id, mark] of [
      ['s', 'mask'],
      ['n', 'block'],
      ['u', 'unmask'],
    ]) {
      const el = container.querySelector(`#${id}`)!;
      expect(el.localName).toBe('div');
      expect(el.getAttribute('data-veil')).toBe(mark);
    }
  });

  it('render the element named by `as`, pass the other props on and forward the ref', async () => {
    const ref = createRef<HTMLElement>();
    const { container } = await render(
      <Sensitive as="section" ref={ref} className="customer" aria-labelledby="t" title="Account">
        <h2 id="t">Account</h2>
      </Sensitive>,
    );
    const section = container.querySelector('section')!;
    expect(section.getAttribute('data-veil')).toBe('mask');
    expect(section.className).toBe('customer');
    expect(section.getAttribute('title')).toBe('Account');
    expect(ref.current).toBe(section);
  });

  it('render a component given as `as` with the marker among its props', async () => {
    const Card = forwardRef<HTMLDivElement, ComponentPropsWithoutRef<'article'>>((props, ref) => (
      <article {...props} ref={ref} className="card" />
    ));
    const { container } = await render(<NoRecord as={Card}>chat</NoRecord>);
    expect(container.querySelector('article.card')!.getAttribute('data-veil')).toBe('block');
  });

  it('keep their own marker when a data-veil prop is passed too', async () => {
    const { container } = await render(
      <Sensitive {...({ 'data-veil': 'unmask' } as object)} id="s">
        x
      </Sensitive>,
    );
    expect(container.querySelector('#s')!.getAttribute('data-veil')).toBe('mask');
  });

  it('render the stronger marker when one marker renders another through `as`, in either order', async () => {
    const { container } = await render(
      <>
        <NoRecord as={Unmask} id="a">
          chat
        </NoRecord>
        <Unmask as={NoRecord} id="b">
          chat
        </Unmask>
        <Unmask as={Sensitive} id="c">
          note
        </Unmask>
      </>,
    );
    expect(['a', 'b', 'c'].map((id) => container.querySelector(`#${id}`)!.getAttribute('data-veil'))).toEqual(['block', 'block', 'mask']);
  });

  it('let a stronger data-veil prop raise their marker', async () => {
    const { container } = await render(
      <Unmask {...({ 'data-veil': 'block' } as object)} id="u">
        x
      </Unmask>,
    );
    expect(container.querySelector('#u')!.getAttribute('data-veil')).toBe('block');
  });
});

describe('marker hooks', () => {
  it('return props that mark any element they are spread on', async () => {
    function Form() {
      return (
        <form>
          <textarea id="notes" {...useSensitive()} />
          <ul id="codes" {...useNoRecord()} />
          <h2 id="title" {...useUnmask()}>
            Order
          </h2>
        </form>
      );
    }
    const { container } = await render(<Form />);
    expect(container.querySelector('#notes')!.getAttribute('data-veil')).toBe('mask');
    expect(container.querySelector('#codes')!.getAttribute('data-veil')).toBe('block');
    expect(container.querySelector('#title')!.getAttribute('data-veil')).toBe('unmask');
  });

  it('merge their marker into given props, keeping the stronger one', async () => {
    expect(useUnmask(useNoRecord())).toEqual({ 'data-veil': 'block' });
    expect(useNoRecord(useUnmask())).toEqual({ 'data-veil': 'block' });
    expect(useSensitive({ className: 'notes', 'data-veil': 'unmask' })).toEqual({ className: 'notes', 'data-veil': 'mask' });
    expect(useUnmask({ id: 'title' })).toEqual({ id: 'title', 'data-veil': 'unmask' });
    function Card() {
      return <section id="card" {...useUnmask(useSensitive({ className: 'card' }))} />;
    }
    const { container } = await render(<Card />);
    expect(container.querySelector('#card')!.getAttribute('data-veil')).toBe('mask');
    expect(container.querySelector('#card')!.className).toBe('card');
  });

  it('return the same frozen object on every call', () => {
    expect(useSensitive()).toBe(useSensitive());
    expect(useSensitive()).toEqual({ 'data-veil': 'mask' });
    expect(Object.isFrozen(useNoRecord())).toBe(true);
  });
});

describe('markers under a recording provider', () => {
  it('mask <Sensitive> text and leave <NoRecord> content out of what is sent, while ordinary text is recorded', async () => {
    const sent = collector();
    let recorder: Recorder | undefined;
    await render(
      <VeilProvider options={{ privacy: 'relaxed', transport: sent.transport }}>
        <Probe onRecorder={(r) => (recorder = r)} />
        <p>Ordinary product text Quartzlight</p>
        <Sensitive as="p">Customer Hildegard Vossberg</Sensitive>
        <NoRecord>
          <p>Chat with agent Perpetua</p>
        </NoRecord>
        <input id="notes" {...useSensitive()} defaultValue="gate code Zebulon-4471" />
      </VeilProvider>,
    );
    await expect.poll(() => recorder?.state).toBe('recording');
    await recorder!.flush();
    expect(sent.events().some((event) => event.type === EventType.FullSnapshot)).toBe(true);
    const json = sent.json();
    expect(json).toContain('Quartzlight');
    expect(json).not.toContain('Vossberg');
    expect(json).not.toContain('Perpetua');
    expect(json).not.toContain('Zebulon');
  });
});
