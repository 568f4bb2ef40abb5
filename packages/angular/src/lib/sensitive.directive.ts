import { Directive, input } from '@angular/core';
import { MARK_HOST_BINDING, hostMark, markInput } from './veil-mark';

/**
 * Masks the element and its subtree in recordings: text, input values and
 * text-bearing attributes are replaced by same-length placeholders, in every
 * privacy mode. Renders `data-veil="mask"` through a host binding, so
 * server-rendered HTML is already marked. `[sensitive]="expr"` switches the
 * mark: on for `''` (plain `sensitive`) and truthy values, removed for `false`.
 *
 * @example
 * <section sensitive>{{ customer.name }} · {{ customer.email }}</section>
 * <p [sensitive]="!order.isPublic">{{ order.note }}</p>
 */
@Directive({
  selector: '[sensitive]',
  host: { [MARK_HOST_BINDING]: 'veilMark()' },
})
export class SensitiveDirective {
  /** `false` removes the mark; `''` (plain attribute) and truthy values set it. */
  readonly sensitive = input(true, { transform: markInput });
  protected readonly veilMark = hostMark('mask', this.sensitive);
}
