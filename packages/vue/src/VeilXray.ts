import { defineComponent, onBeforeUnmount, onMounted, watch, type PropType } from 'vue';
import type { ExplainOptions } from '@veil/core/explain';

import { inProduction } from './production';

/**
 * `<VeilXray :options="{ privacy: 'relaxed' }" />` draws Veil's X-ray over the
 * page while it is mounted (`@veil/core/xray`): every field and text outlined
 * in the colour of what is recorded, the rule that decided on hover.
 * Development only: nothing is loaded or drawn in a production build, and the
 * overlay is loaded on demand, never with the recorder. It renders nothing itself.
 */
export const VeilXray = defineComponent({
  name: 'VeilXray',
  props: {
    /** The options your recorder is created with (`privacy`, `mask`, `block`, `unmask`). */
    options: { type: Object as PropType<ExplainOptions>, default: () => ({}) },
  },
  setup(props) {
    let overlay: { destroy(): void } | undefined;
    let alive = false;
    const draw = async () => {
      overlay?.destroy();
      overlay = undefined;
      if (inProduction()) return;
      try {
        const { xray } = await import('@veil/core/xray');
        if (alive) overlay = xray({ ...props.options });
      } catch (error) {
        console.warn('[veil] <VeilXray> could not load @veil/core/xray:', error);
      }
    };
    onMounted(() => {
      alive = true;
      void draw();
    });
    watch(
      () => JSON.stringify(props.options),
      () => void draw(),
    );
    onBeforeUnmount(() => {
      alive = false;
      overlay?.destroy();
    });
    return () => null;
  },
});
