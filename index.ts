// The program: parse the stack's config and check its capacity (invalid config or a capacity
// error stops here, before any resource), build the platform, and return its outputs as the
// stack outputs (README "Stack outputs").
import * as pulumi from "@pulumi/pulumi";
import { enforceCapacity } from "./capacity/guardrails";
import { Platform } from "./components/platform";
import { loadConfig } from "./config";

/** Pulumi calls the exported function; `opts` reach the root component (the tests pass transformations). */
export = async (opts?: pulumi.ComponentResourceOptions) => {
    const config = loadConfig();
    const capacity = enforceCapacity(config);
    const platform = new Platform("berrys", { config }, opts);
    return { ...platform.outputs, capacity: { ...capacity.report, findings: capacity.findings } };
};
