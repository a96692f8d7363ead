/**
 * The `dws` command: the single entry point of the command line (under Deno,
 * in the Deno bundle and as the npm package's bin).
 *
 * @module
 */
import process from "node:process";
import { runDws } from "./run_dws.ts";

process.exitCode = await runDws(process.argv.slice(2));
