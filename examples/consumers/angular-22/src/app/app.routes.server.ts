import { RenderMode, type ServerRoute } from '@angular/ssr';

// every request rendered on the server, so the check sees server HTML
export const serverRoutes: ServerRoute[] = [{ path: '**', renderMode: RenderMode.Server }];
