// Entry of the <script> build (dist/index.global.js, globalThis.Veil). Unlike
// the module build it may act on load: it starts remembering password fields
// at once, so a field toggled to plain text before any recorder exists is
// still known as a password.
import { rememberPasswordFields } from './page/passwords';

export * from './index';

rememberPasswordFields();
