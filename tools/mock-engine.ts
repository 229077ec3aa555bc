// Runs the Pulumi program against Pulumi's mock engine, with a stack's real config and no cloud:
// the shared harness of `npm run render` and the tests. Values only the cloud can assign (IDs,
// ARNs, endpoints, generated names) come back as `<computed:...>` placeholders.
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../config";

/** How `pulumi.log.warn` prints when no engine is attached. */
const RUNTIME_WARNING = "warning: [runtime] ";

/** Prefix of every value the mock invents in place of one the cloud would assign. */
export const PLACEHOLDER = "<computed:";

export const placeholder = (what: string) => `${PLACEHOLDER}${what}>`;

export interface RegisteredResource {
    readonly type: string;
    readonly name: string;
    /** The inputs the program gave, as the engine receives them (secrets unwrapped). */
    readonly inputs: Record<string, any>;
    /** Paths (`a.b[0]`) of the inputs the program made secret. */
    readonly secrets: string[];
    /** The outputs the mock returned: inputs plus placeholders for what the cloud assigns. */
    readonly state: Record<string, any>;
    readonly id: string;
    /** The provider reference (`<urn>::<id>`) the resource was registered with, if any. */
    readonly provider?: string;
}

/** A resource as the program declared it, with its options (seen through a transformation). */
export interface DeclaredResource {
    readonly type: string;
    readonly name: string;
    readonly parent?: { readonly type: string; readonly name: string };
    readonly opts: pulumi.CustomResourceOptions & pulumi.ComponentResourceOptions;
    readonly props: Record<string, any>;
}

export interface MockRun {
    readonly registered: RegisteredResource[];
    readonly declared: DeclaredResource[];
    /** Invokes (data sources) the program called, by token. */
    readonly calls: string[];
    /** What the mock answered each invoke, by token (the bench replays these). */
    readonly callResults: Record<string, Record<string, any>>;
    /** The invokes the mock failed (a data source that finds nothing), by token: the failure's message. */
    readonly callFailures: Record<string, string>;
    /** The same invokes with the arguments the program gave them. */
    readonly invokes: { readonly token: string; readonly inputs: Record<string, any> }[];
    /** What the program returned as stack outputs, fully resolved. */
    readonly outputs: Record<string, unknown>;
    /** Names of the outputs that are secret. */
    readonly secretOutputs: string[];
    /** What the program logged with `pulumi.log.warn`, as `pulumi preview` would show it. */
    readonly warnings: string[];
}

/** Outputs the mock returns for resources whose real values only AWS knows. */
function cloudState(type: string, name: string, inputs: Record<string, any>, region: string): Record<string, any> {
    const state: Record<string, any> = { ...inputs };
    if (type.startsWith("aws:")) {
        state.arn = placeholder(`${name}.arn`);
        state.name = inputs.name ?? placeholder(`${name}.name`);
    }
    switch (type) {
        case "eks:index:Cluster": {
            const clusterName = inputs.name ?? placeholder(`${name}.name`);
            return {
                ...state,
                kubeconfigJson: placeholder(`${name}.kubeconfig`),
                kubeconfig: placeholder(`${name}.kubeconfig`),
                core: { endpoint: placeholder(`${name}.endpoint`), cluster: { name: clusterName } },
                oidcProviderArn: placeholder(`${name}.oidcProviderArn`),
                oidcIssuer: placeholder(`${name}.oidcIssuer`),
                clusterSecurityGroupId: placeholder(`${name}.clusterSecurityGroupId`),
            };
        }
        case "eks:index:ManagedNodeGroup":
            return {
                ...state,
                nodeGroup: {
                    nodeGroupName: placeholder(`${name}.nodeGroupName`),
                    resources: [{ autoscalingGroups: [{ name: placeholder(`${name}.autoscalingGroupName`) }] }],
                },
            };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { ...state, latestVersion: 1 };
        case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            return { ...state, associationArn: placeholder(`${name}.associationArn`) };
        // The tls provider generates keys and signs at deploy: PEM text the mock cannot know.
        case "tls:index/privateKey:PrivateKey":
            return {
                ...state,
                privateKeyPem: placeholder(`${name}.privateKeyPem`),
                publicKeyPem: placeholder(`${name}.publicKeyPem`),
            };
        case "tls:index/certRequest:CertRequest":
            return { ...state, certRequestPem: placeholder(`${name}.certRequestPem`) };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { ...state, certPem: placeholder(`${name}.certPem`) };
        default:
            void region;
            return state;
    }
}

/**
 * A value with its secrets replaced by what they hold. The mock receives a property holding a
 * nested secret as one secret envelope (`specialSigKey`/`specialSecretSig` of @pulumi/pulumi's
 * runtime/rpc), as a whole map: the program's declared props still tell which values are secret.
 */
function unwrapSecrets(value: any): any {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value === null || typeof value !== "object") return value;
    if (value[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrapSecrets(item)]));
}

/** Where a value holds secret envelopes, as paths from its root (`a.b[0]`). */
function secretPaths(value: any, at = ""): string[] {
    if (value === null || typeof value !== "object") return [];
    if (value[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return [at];
    const entries = Array.isArray(value)
        ? value.map((item, index) => [`${at}[${index}]`, item] as const)
        : Object.entries(value).map(([key, item]) => [at === "" ? key : `${at}.${key}`, item] as const);
    return entries.flatMap(([where, item]) => secretPaths(item, where));
}

/** The AWS account the mock deploys to (the example account ID of AWS's documentation). */
export const MOCK_ACCOUNT_ID = "123456789012";

/** Who the mock's `aws.getCallerIdentity` says runs `pulumi up`: an assumed role. */
export const MOCK_CALLER_ARN = `arn:aws:sts::${MOCK_ACCOUNT_ID}:assumed-role/berrys-deployer/pulumi`;

interface MockZone {
    readonly name: string;
    readonly id: string;
    readonly group: string;
    readonly type: "availability-zone" | "local-zone" | "wavelength-zone";
    readonly optInStatus: "opt-in-not-required" | "opted-in" | "not-opted-in";
}

/**
 * us-east-1 as one real account sees it: six zones whose names map to IDs in an account-specific
 * order (use1-az3, the zone EKS refuses, is us-east-1e here), plus an opted-in Local Zone and a
 * Wavelength Zone, which DescribeAvailabilityZones returns unless filtered out.
 */
const US_EAST_1_ZONES: readonly MockZone[] = [
    ...(
        [
            ["a", "use1-az1"],
            ["b", "use1-az2"],
            ["c", "use1-az4"],
            ["d", "use1-az6"],
            ["e", "use1-az3"],
            ["f", "use1-az5"],
        ] as const
    ).map(
        ([letter, id]): MockZone => ({
            name: `us-east-1${letter}`,
            id,
            group: "us-east-1",
            type: "availability-zone",
            optInStatus: "opt-in-not-required",
        }),
    ),
    {
        name: "us-east-1-bos-1a",
        id: "use1-bos1-az1",
        group: "us-east-1-bos-1",
        type: "local-zone",
        optInStatus: "opted-in",
    },
    {
        name: "us-east-1-wl1-bos-wlz-1",
        id: "use1-wl1-bos-wlz1",
        group: "us-east-1-wl1",
        type: "wavelength-zone",
        optInStatus: "opted-in",
    },
];

/**
 * The zones `aws.getAvailabilityZones` returns for the region, with the invoke's `state`,
 * `allAvailabilityZones`, `filters` (opt-in-status, zone-type, zone-id) and `excludeZoneIds`
 * applied as EC2's DescribeAvailabilityZones applies them. Other regions get three plain zones.
 */
function availabilityZones(region: string, inputs: Record<string, any>): MockZone[] {
    const all =
        region === "us-east-1"
            ? US_EAST_1_ZONES
            : ["a", "b", "c"].map(
                  (letter, index): MockZone => ({
                      name: `${region}${letter}`,
                      id: `${region.replace(/-/g, "").slice(0, 4)}-az${index + 1}`,
                      group: region,
                      type: "availability-zone",
                      optInStatus: "opt-in-not-required",
                  }),
              );
    const filters = (inputs.filters ?? []) as { name: string; values: string[] }[];
    const field = (zone: MockZone, name: string): string | undefined =>
        (
            ({
                "opt-in-status": zone.optInStatus,
                "zone-type": zone.type,
                "zone-id": zone.id,
                "zone-name": zone.name,
            }) as Record<string, string>
        )[name];
    return (
        all
            // Without allAvailabilityZones, zones the account has not opted into are never listed.
            .filter((zone) => inputs.allAvailabilityZones === true || zone.optInStatus !== "not-opted-in")
            .filter((zone) => filters.every((filter) => filter.values.includes(field(zone, filter.name) ?? "")))
            .filter(
                (zone) =>
                    !(inputs.excludeZoneIds ?? []).includes(zone.id) &&
                    !(inputs.excludeNames ?? []).includes(zone.name),
            )
    );
}

/**
 * An invoke that fails, as the mock monitor must throw it: @pulumi/pulumi's `invoke` rejects with
 * `new Error(err.details)` (runtime/invoke.js), so the message travels in `details`.
 */
export function invokeFailure(message: string): Error {
    return Object.assign(new Error(message), { details: message });
}

/** Data-source results the program needs. */
function callResult(token: string, region: string, inputs: Record<string, any> = {}): Record<string, any> {
    switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const zones = availabilityZones(region, inputs);
            return {
                id: region,
                names: zones.map((zone) => zone.name),
                zoneIds: zones.map((zone) => zone.id),
                groupNames: zones.map((zone) => zone.group),
            };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            // A deployer as CI runs it: an assumed role (AWS's documentation account ID).
            return {
                accountId: MOCK_ACCOUNT_ID,
                arn: MOCK_CALLER_ARN,
                userId: "AROAEXAMPLEROLEID:pulumi",
                id: MOCK_ACCOUNT_ID,
            };
        case "aws:index/getRegion:getRegion":
            return { name: region, region };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com" };
        case "aws:ec2/getSubnet:getSubnet": {
            // An existing subnet: its zone from the ID's last hex digit, so consecutive IDs span zones.
            const id = String(inputs.id ?? "subnet-00000000");
            return { id, availabilityZone: `${region}${"abc"[Number.parseInt(id.slice(-1), 16) % 3]}` };
        }
        case "aws:eks/getNodeGroups:getNodeGroups":
            // A stack that was never deployed: no node groups yet.
            return { names: [] };
        case "aws:eks/getCluster:getCluster":
        case "aws:eks/getAccessEntry:getAccessEntry":
            // A stack that was never deployed, as the AWS provider's data sources report it
            // (terraform-plugin-sdk v2 helper/retry `NotFoundError.Error`).
            throw invokeFailure(`reading ${token}: couldn't find resource`);
        default:
            return {};
    }
}

/** Resolves an Output (or a structure holding Outputs) as a promise, keeping track of secrecy. */
export function unwrap<T>(value: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
    return new Promise((resolve) =>
        pulumi.output(value).apply((resolved) => {
            resolve(resolved as pulumi.Unwrap<T>);
            return resolved;
        }),
    );
}

async function isSecretValue(value: unknown): Promise<boolean> {
    return pulumi.Output.isInstance(value) ? pulumi.isSecret(value as pulumi.Output<unknown>) : false;
}

/** The program threw (invalid config, say): what it had registered by then comes along. */
export class ProgramFailed extends Error {
    constructor(
        public readonly error: unknown,
        public readonly registered: readonly RegisteredResource[],
    ) {
        super(error instanceof Error ? error.message : String(error));
    }
}

/**
 * The program's entry point as index.ts exports it: takes the root component's options (the
 * harness passes a transformation to see every resource's options) and returns the stack outputs.
 */
export type Program = (
    opts?: pulumi.ComponentResourceOptions,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

export interface RunOptions {
    readonly stack: string;
    /** The stack's config as the runtime holds it (`tools/stack-files.ts` `runtimeConfig`). */
    readonly config: Record<string, string>;
    /** Loads the program; called after the mocks are set, as the program must be imported after them. */
    readonly loadProgram: () => Promise<Program>;
    /** Extra transformations for the root component (tests use them to change options). */
    readonly transformations?: pulumi.ResourceTransformation[];
    /** Outputs of the stacks a program reads with StackReference, by stack name (a consumer's run). */
    readonly stackReferences?: Record<string, Record<string, unknown>>;
    /** Data-source results that replace the defaults (tests give node groups a live size); undefined: the default. */
    readonly callOverrides?: (token: string, inputs: Record<string, any>) => Record<string, any> | undefined;
}

/** The state of a StackReference: the referenced stack's outputs, as the engine reads them. */
function stackReferenceState(name: string, references: RunOptions["stackReferences"]): Record<string, any> {
    const outputs = references?.[name];
    if (outputs === undefined) {
        throw new Error(
            `the program reads stack ${name}, but the run was given outputs of: ${Object.keys(references ?? {}).join(", ") || "no stack"}`,
        );
    }
    return { name, outputs, secretOutputNames: [] };
}

/** What the mock engine saw of a run, filled while the program registers. */
type Observed = Pick<MockRun, "registered" | "declared" | "calls" | "callResults" | "callFailures" | "invokes">;

/** The mocks: resources get the cloud's state (placeholders), invokes the data sources' answers. */
function mocks(options: RunOptions, seen: Observed): pulumi.runtime.Mocks {
    const region = options.config["aws:region"] ?? "";
    return {
        newResource(args: pulumi.runtime.MockResourceArgs) {
            const state =
                args.type === "pulumi:pulumi:StackReference"
                    ? stackReferenceState(args.inputs.name, options.stackReferences)
                    : cloudState(args.type, args.name, args.inputs, region);
            // The engine passes "" for "no id yet"; a custom resource given "" would stay unknown.
            const id = args.id || (args.custom === false ? "" : placeholder(`${args.name}.id`));
            seen.registered.push({
                type: args.type,
                name: args.name,
                inputs: unwrapSecrets(args.inputs),
                secrets: secretPaths(args.inputs),
                state,
                id,
                provider: args.provider,
            });
            return { id, state };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            seen.calls.push(args.token);
            seen.invokes.push({ token: args.token, inputs: args.inputs });
            try {
                seen.callResults[args.token] =
                    options.callOverrides?.(args.token, args.inputs) ?? callResult(args.token, region, args.inputs);
            } catch (error) {
                seen.callFailures[args.token] = error instanceof Error ? error.message : String(error);
                throw error;
            }
            return seen.callResults[args.token];
        },
        // Not a preview: under a mocked preview, outputs the mock returns are still unknown.
    };
}

/** A transformation that records every resource the program declares, with its options. */
function declarations(declared: DeclaredResource[]): pulumi.ResourceTransformation {
    const names = new WeakMap<pulumi.Resource, { type: string; name: string }>();
    return (args) => {
        names.set(args.resource, { type: args.type, name: args.name });
        const parent = args.opts.parent ? names.get(args.opts.parent) : undefined;
        declared.push({ type: args.type, name: args.name, parent, opts: args.opts, props: args.props });
        // `transforms` are engine callbacks (a callback server the mock monitor cannot serve): the
        // run would hang. They stay in `declared` for the tests, which apply them themselves.
        return args.opts.transforms?.length
            ? { props: args.props, opts: { ...args.opts, transforms: undefined } }
            : undefined;
    };
}

/** Runs `body` with `pulumi.log.warn`'s lines (console.warn without an engine) collected in `warnings`. */
async function collectingWarnings<T>(warnings: string[], body: () => Promise<T>): Promise<T> {
    const consoleWarn = console.warn;
    console.warn = (...args: unknown[]) => {
        const text = args.map(String).join(" ");
        if (text.startsWith(RUNTIME_WARNING)) {
            warnings.push(text.slice(RUNTIME_WARNING.length));
        } else {
            consoleWarn(...args);
        }
    };
    try {
        return await body();
    } finally {
        console.warn = consoleWarn;
    }
}

/** The stack outputs fully resolved, and which of them are secret. */
async function resolvedOutputs(raw: Record<string, unknown>): Promise<Pick<MockRun, "outputs" | "secretOutputs">> {
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [key, value] of Object.entries(raw)) {
        outputs[key] = await unwrap(value as pulumi.Input<unknown>);
        if (await isSecretValue(value)) {
            secretOutputs.push(key);
        }
    }
    return { outputs, secretOutputs };
}

/**
 * Runs `run` with no stack traces captured: the SDK takes one for every promise it makes
 * (@pulumi/pulumi v3.248.0 `debuggablePromise`, read only to report leaked promises at exit), much
 * of a mocked run's CPU. A run that fails is run again with them, so that its error (the program
 * is deterministic under mocks) says where it came from. Not for a run that models a real preview.
 */
export async function withoutStackTraces<T>(run: () => Promise<T>): Promise<T> {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let failure: unknown;
    try {
        return await run();
    } catch (error) {
        failure = error;
    } finally {
        Error.stackTraceLimit = limit;
    }
    await run();
    // Passed with stack traces: still the first run's failure.
    throw failure;
}

/**
 * Runs the program once under mocks and returns what it registered. The mocks are set before the
 * program is loaded, the config is replaced wholesale, and the run waits for every registration.
 */
export async function runWithMocks(options: RunOptions): Promise<MockRun> {
    const seen: Observed = {
        registered: [],
        declared: [],
        calls: [],
        callResults: {},
        callFailures: {},
        invokes: [],
    };
    await pulumi.runtime.setMocks(mocks(options, seen), PROJECT, options.stack, false);
    pulumi.runtime.setAllConfig(options.config);
    const transformations = [declarations(seen.declared), ...(options.transformations ?? [])];
    const warnings: string[] = [];
    const rawOutputs = await collectingWarnings(warnings, async () => {
        const program = await options.loadProgram();
        try {
            return await program({ transformations });
        } catch (error) {
            throw new ProgramFailed(error, seen.registered);
        }
    });
    const resolved = await resolvedOutputs(rawOutputs);
    // Registrations that no output depends on may still be in flight.
    await pulumi.runtime.disconnect();
    return { ...seen, ...resolved, warnings };
}
