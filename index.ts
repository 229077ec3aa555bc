// The program: run the preflight checks (invalid config, a capacity error, or a problem only AWS's
// answers show, such as the deployer's own role among the admins, stops here before any resource),
// build the platform, and return its outputs as the stack outputs (docs/outputs.md "Stack outputs").
import * as pulumi from "@pulumi/pulumi";
import { Platform } from "./components/platform";
import { ROOT_NAME } from "./config";
import { runAwsPreflight, runPreflight } from "./preflight";

/** Pulumi calls the exported function; `opts` reach the root component (the tests pass transformations). */
export = async (opts?: pulumi.ComponentResourceOptions) => {
    const { config, capacity } = runPreflight();
    // Live desired sizes, so that a new minSize/maxSize that excludes them, or a replacement, gets them.
    const { zones, liveScaling } = await runAwsPreflight(config);
    const platform = new Platform(ROOT_NAME, { config, liveScaling, zones }, opts);
    return { ...platform.outputs, capacity: { ...capacity.report, findings: capacity.findings } };
};
