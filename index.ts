// The program: parse the stack's config (invalid config stops here, before any resource), build
// the platform, and return its outputs as the stack outputs (README "Stack outputs").
import * as pulumi from "@pulumi/pulumi";
import { Platform } from "./components/platform";
import { loadConfig } from "./config";

/** Pulumi calls the exported function; `opts` reach the root component (the tests pass transformations). */
export = async (opts?: pulumi.ComponentResourceOptions) => {
    const config = loadConfig();
    const platform = new Platform("berrys", { config }, opts);
    return { ...platform.outputs };
};
