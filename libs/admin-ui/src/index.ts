export { AdminUiModule } from './admin-ui.module';
export { ADMIN_PAGE_CSP } from './static-files';
