// The benchmark's floor: the least any program that declares this stack's resources can cost.
// Loads the SDK modules the program loaded (same files, same order), then registers every
// resource the program registered, with the same type, name, parent, provider and inputs, replayed
// from the bench's mocked run. No TypeScript, no config parsing, no spec building: only what
// declaring these resources to the engine needs.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { startReplay } = require("./replay");

const job = startReplay(pulumi);
for (const file of job.sdkModules) {
    require(file);
}

const created = new Map();
const key = (reference) => reference && created.get(reference);
/** The recorded inputs, with each resource reference (`__benchResource`) the resource created here. */
const inputsOf = (value) => {
    if (Array.isArray(value)) return value.map(inputsOf);
    if (value === null || typeof value !== "object") return value;
    if (typeof value.__benchResource === "string") return created.get(value.__benchResource);
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, inputsOf(item)]));
};
for (const resource of job.resources) {
    const opts = { parent: key(resource.parent), provider: key(resource.provider) };
    const inputs = inputsOf(resource.inputs);
    let instance;
    switch (resource.kind) {
        case "provider":
            instance = new pulumi.ProviderResource(
                resource.type.slice("pulumi:providers:".length),
                resource.name,
                inputs,
                opts,
            );
            break;
        case "custom":
            instance = new pulumi.CustomResource(resource.type, resource.name, inputs, opts);
            break;
        case "remote":
            instance = new pulumi.ComponentResource(resource.type, resource.name, inputs, opts, true);
            break;
        default:
            instance = new pulumi.ComponentResource(resource.type, resource.name, {}, opts);
            instance.registerOutputs({});
    }
    created.set(`${resource.type}::${resource.name}`, instance);
}
