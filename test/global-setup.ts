import { ensureBridgeBuilt } from './support/bridge-build';

/** Runs once before every test file: process-level tests need the built bridge. */
export default function setup(): void {
  ensureBridgeBuilt();
}
