import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  afterNextRender,
  inject,
  signal,
  viewChild,
} from '@angular/core';

interface Message {
  id: number;
  who: 'agent' | 'me';
  text: string;
}

/**
 * A support chat. It has no marker of its own: the app template puts it under
 * [noRecord] (`<app-support-chat noRecord />`), so it is never recorded, not
 * even the messages added later; the replay shows an empty box.
 */
@Component({
  selector: 'app-support-chat',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'card chat', 'aria-labelledby': 'chat-title' },
  template: `
    <div class="section-head">
      <h2 id="chat-title">Support chat</h2>
      <span class="marker-note">noRecord</span>
    </div>
    <ol class="chat-log" id="chat-log" aria-live="polite" #log>
      @for (message of messages(); track message.id) {
        <li class="msg" [class]="'msg ' + message.who">{{ message.text }}</li>
      }
    </ol>
    <form class="chat-form" id="chat-form" (submit)="send($event, input)">
      <label class="visually-hidden" for="chat-input">Message</label>
      <input id="chat-input" name="message" placeholder="Type a message…" autocomplete="off" #input />
      <button type="submit">Send</button>
    </form>
  `,
})
export class SupportChatComponent {
  private readonly log = viewChild.required<ElementRef<HTMLElement>>('log');
  private readonly injector = inject(Injector);
  private nextId = 1;
  protected readonly messages = signal<Message[]>([
    { id: 0, who: 'agent', text: 'Hello from Wrenna at support. How can I help with your order?' },
  ]);
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.timers.forEach(clearTimeout));
  }

  protected send(event: Event, input: HTMLInputElement): void {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    this.add('me', text);
    input.value = '';
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.add('agent', 'Thanks! Wrenna will get back to you in a minute.');
    }, 500);
    this.timers.add(timer);
  }

  private add(who: Message['who'], text: string): void {
    this.messages.update((list) => [...list, { id: this.nextId++, who, text }]);
    afterNextRender(
      () => {
        const log = this.log().nativeElement;
        log.scrollTop = log.scrollHeight;
      },
      { injector: this.injector },
    );
  }
}
