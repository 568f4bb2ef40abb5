/*
 * @veil/angular/xray: Veil's X-ray for Angular, a development tool. An entry
 * of its own so that the recorder's entry (@veil/angular) carries none of it,
 * as @veil/core keeps its X-ray in @veil/core/xray.
 */
export { VeilXrayComponent } from './veil-xray.component';
export { provideVeilXray } from './provide-veil-xray';
export type { VeilXrayOptions } from './provide-veil-xray';
export type { Xray } from '@veil/core/xray';
