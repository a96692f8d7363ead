/**
 * Crash points for tests: with `DWS_FAULT=<name>` in the environment the
 * process kills itself (SIGKILL, no cleanup) when it reaches that point, so
 * tests can check that an interrupted command leaves nothing broken.
 *
 * @module
 */
import process from "node:process";

/** Die here when `DWS_FAULT` names this point. */
export function faultPoint(name: string): void {
  if (process.env.DWS_FAULT === name) process.kill(process.pid, "SIGKILL");
}
