import { Directive, input } from '@angular/core';
import { MARK_HOST_BINDING, hostMark, markInput } from './veil-mark';

/**
 * Keeps the element and its subtree out of recordings entirely: it is never
 * serialized, now or after later changes or input, and the replay shows an
 * empty box of the same size. Renders `data-veil="block"` through a host
 * binding (so server-rendered HTML is already marked); `[noRecord]="expr"`
 * switches it: on for `''` and truthy values, removed for `false`.
 *
 * @example
 * <app-support-chat noRecord />
 * <iframe [noRecord]="embedsPrivateData" src="/statement"></iframe>
 */
@Directive({
  selector: '[noRecord]',
  host: { [MARK_HOST_BINDING]: 'veilMark()' },
})
export class NoRecordDirective {
  /** `false` removes the mark; `''` (plain attribute) and truthy values set it. */
  readonly noRecord = input(true, { transform: markInput });
  protected readonly veilMark = hostMark('block', this.noRecord);
}
