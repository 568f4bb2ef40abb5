import { NgModule, type ModuleWithProviders } from '@angular/core';
import { NoRecordDirective } from './no-record.directive';
import { SensitiveDirective } from './sensitive.directive';
import { UnmaskDirective } from './unmask.directive';
import { veilProviders } from './provide-veil';
import type { VeilOptionsInput } from './veil-options';

/**
 * Veil for NgModule applications. `VeilModule.forRoot(options)` in the root
 * module sets up the recorder (the same one `provideVeil()` gives standalone
 * apps); `VeilModule` alone, in any module, gives the `[sensitive]`,
 * `[noRecord]` and `[unmask]` directives.
 *
 * @example
 * ```ts
 * @NgModule({
 *   imports: [BrowserModule, VeilModule.forRoot({ transport: 'https://collector.example.com/v1/ingest' })],
 *   declarations: [AppComponent],
 *   bootstrap: [AppComponent],
 * })
 * export class AppModule {}
 * ```
 */
@NgModule({
  imports: [SensitiveDirective, NoRecordDirective, UnmaskDirective],
  exports: [SensitiveDirective, NoRecordDirective, UnmaskDirective],
})
export class VeilModule {
  /**
   * The module with the recorder's providers; import it once, in the root module.
   *
   * @example
   * imports: [VeilModule.forRoot({ privacy: 'balanced', transport: (batch) => sendToMyBackend(batch) })]
   */
  static forRoot(options: VeilOptionsInput): ModuleWithProviders<VeilModule> {
    return { ngModule: VeilModule, providers: [veilProviders(options, 'VeilModule.forRoot')] };
  }
}
