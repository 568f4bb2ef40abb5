/// <reference types="vite/client" />

// Single-file components are compiled by @vitejs/plugin-vue; `tsc` does not
// read them (vue-tsc would), so it sees each as a component of unknown props.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
