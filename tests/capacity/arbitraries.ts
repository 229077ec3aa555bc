// fast-check arbitraries for the stack's config, as the Pulumi CLI hands it to `parseConfig`
// (the project's keys without their namespace): random valid configs, and valid configs with one
// mutation that the parser must reject by naming the key. Shared by tests/config.properties.test.ts
// and the capacity model's properties.
import fc from "fast-check";
import { keyName } from "../../config";
import { INSTANCE_TYPES } from "../../capacity/instance-types";
import { deployableMinors } from "../../components/kubernetes-version";
import { toBytes, toMillicores } from "../../quantity";
import { pdbAllowedDisruptions } from "../../schema/services";

type Raw = Record<string, unknown>;

/** Drops the keys whose value is undefined (an optional key left out). */
function defined<T extends Record<string, unknown>>(value: T): T {
    // A loop, not Object.entries/filter/fromEntries: it runs for most objects of every config.
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
        if (value[key] !== undefined) {
            result[key] = value[key];
        }
    }
    return result as T;
}

/**
 * `build(key)`, built once per key: for `.chain` callbacks, which would otherwise build the same
 * arbitrary again for every generated value (building one costs more than drawing from it, and
 * the values drawn are the same either way).
 */
function memoized<K, T>(build: (key: K) => fc.Arbitrary<T>): (key: K) => fc.Arbitrary<T> {
    const built = new Map<K, fc.Arbitrary<T>>();
    return (key) => {
        let arbitrary = built.get(key);
        if (arbitrary === undefined) {
            arbitrary = build(key);
            built.set(key, arbitrary);
        }
        return arbitrary;
    };
}

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";

/** Strings over `alphabet` (fc.stringMatching is far slower for the thousands of names a run needs). */
const chars = (alphabet: string, minLength: number, maxLength: number) =>
    fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });

/** A DNS-1123 label: a letter, then letters, digits and '-', ending with a letter or digit. */
export const dnsLabel = fc
    .tuple(chars(LOWER, 1, 1), fc.option(fc.tuple(chars(LOWER + DIGITS + "-", 0, 12), chars(LOWER + DIGITS, 1, 1))))
    .map(([first, rest]) => (rest === null ? first : first + rest[0] + rest[1]));

/** CPU as YAML may give it: a number, whole cores as text, millicores, or a decimal. */
export const cpuQuantity: fc.Arbitrary<string | number> = fc.oneof(
    fc.integer({ min: 0, max: 64 }),
    fc.integer({ min: 0, max: 64 }).map(String),
    fc.integer({ min: 1, max: 64000 }).map((milli) => `${milli}m`),
    fc.integer({ min: 1, max: 640 }).map((tenths) => String(tenths / 10)),
);

/** Memory as YAML may give it: 0 or at least 1Mi (the schema refuses the amounts between: a unit mistake). */
export const memoryQuantity: fc.Arbitrary<string | number> = fc.oneof(
    fc.integer({ min: 1, max: 65536 }).map((mebibytes) => `${mebibytes}Mi`),
    fc.integer({ min: 1, max: 512 }).map((gibibytes) => `${gibibytes}Gi`),
    fc.integer({ min: 1049, max: 1_000_000 }).map((kilobytes) => `${kilobytes}k`),
    fc.oneof(fc.constant(0), fc.integer({ min: 2 ** 20, max: 2 ** 40 })),
);

const percent = (min: number, max: number) => fc.integer({ min, max }).map((value) => `${value}%`);

/** Two quantities, the smaller first: a request and a limit the API server accepts (request <= limit). */
const ordered = (quantity: fc.Arbitrary<string | number>, amount: (value: string) => number) =>
    fc.tuple(quantity, quantity).map(([a, b]) => (amount(String(a)) <= amount(String(b)) ? [a, b] : [b, a]));

/** Requests and limits (`names` of the two maps) with every request <= its limit. */
const requestsAndLimits = <R extends string, L extends string>(requests: R, limits: L) =>
    fc.tuple(ordered(cpuQuantity, toMillicores), ordered(memoryQuantity, toBytes)).map(
        ([[cpuRequest, cpuLimit], [memoryRequest, memoryLimit]]) =>
            ({
                [requests]: { cpu: cpuRequest, memory: memoryRequest },
                [limits]: { cpu: cpuLimit, memory: memoryLimit },
            }) as Record<R | L, { cpu: string | number; memory: string | number }>,
    );

/** The custom metrics the prometheus-adapter serves with its default rules (the seed's three). */
const metricName = fc.constantFrom("http_requests_per_second", "model_requests_per_second", "agent_creation_rate");

// Utilization up to 90 %: with a limit at least the request, 90 % + the HPA's 10 % tolerance stays
// reachable (the schema refuses targets no pod reaches).
const resourceMetric = fc
    .record({
        name: fc.constantFrom("cpu", "memory"),
        averageUtilization: fc.integer({ min: 1, max: 90 }),
    })
    .map((metric) => ({ type: "Resource", ...metric }));

const podsMetric = fc
    .record({
        name: metricName,
        averageValue: fc.integer({ min: 1, max: 1000 }).map(String),
        selector: maybe(fc.dictionary(fc.constantFrom("service", "app", "route"), dnsLabel, { maxKeys: 2 })),
    })
    .map((metric) => defined({ type: "Pods", ...metric }));

const objectMetric = fc
    .record({
        name: metricName,
        describedObject: fc.record({
            apiVersion: fc.constant("v1"),
            kind: fc.constantFrom("Service", "Ingress"),
            name: dnsLabel,
        }),
        target: fc.oneof(
            fc.integer({ min: 1, max: 1000 }).map((value) => ({ value: String(value) })),
            fc.integer({ min: 1, max: 1000 }).map((value) => ({ averageValue: String(value) })),
        ),
    })
    .map(({ target, ...metric }) => ({ type: "Object", ...metric, ...target }));

const metrics = fc.uniqueArray(fc.oneof(resourceMetric, podsMetric, objectMetric), {
    minLength: 1,
    maxLength: 4,
    selector: (metric) => `${metric.type}/${metric.name}`,
});

const scalingRules = fc
    .record({
        stabilizationWindowSeconds: maybe(fc.integer({ min: 0, max: 3600 })),
        selectPolicy: maybe(fc.constantFrom("Max", "Min", "Disabled")),
        policies: maybe(
            fc.array(
                fc.record({
                    type: fc.constantFrom("Pods", "Percent"),
                    value: fc.integer({ min: 1, max: 100 }),
                    periodSeconds: fc.integer({ min: 1, max: 1800 }),
                }),
                { minLength: 1, maxLength: 3 },
            ),
        ),
    })
    .map(defined);

const unhealthyPodEvictionPolicy = maybe(fc.constantFrom("AlwaysAllow", "IfHealthyBudget"));

/** A PDB that allows at least one eviction at `minReplicas` (the schema rejects the others). */
const pdbFor = (minReplicas: number) =>
    fc
        .oneof(
            fc.integer({ min: 0, max: minReplicas - 1 }).map((minAvailable): Raw => ({ minAvailable })),
            fc.integer({ min: 1, max: minReplicas + 3 }).map((maxUnavailable): Raw => ({ maxUnavailable })),
            percent(0, 100).map((minAvailable): Raw => ({ minAvailable })),
            percent(1, 100).map((maxUnavailable): Raw => ({ maxUnavailable })),
        )
        .filter(
            (pdb) =>
                pdbAllowedDisruptions(
                    pdb as { minAvailable?: number | string; maxUnavailable?: number | string },
                    minReplicas,
                ) > 0,
        )
        .chain((pdb) =>
            unhealthyPodEvictionPolicy.map((policy) => defined({ ...pdb, unhealthyPodEvictionPolicy: policy })),
        );

/** A service's keys but its replica counts, for a service of `minReplicas` (its PDB depends on it). */
const serviceKeys = memoized((minReplicas: number) =>
    fc.record({
        priority: fc.constantFrom("critical", "standard"),
        resources: requestsAndLimits("requests", "limits"),
        metrics,
        // Both directions Disabled is refused while minReplicas < maxReplicas.
        behavior: maybe(
            fc
                .record({ scaleUp: maybe(scalingRules), scaleDown: maybe(scalingRules) })
                .map(defined)
                .filter(
                    (behavior) =>
                        !(
                            behavior.scaleUp?.selectPolicy === "Disabled" &&
                            behavior.scaleDown?.selectPolicy === "Disabled"
                        ),
                ),
        ),
        pdb: maybe(pdbFor(minReplicas)),
        maxSurge: maybe(fc.oneof(fc.integer({ min: 0, max: 5 }), percent(0, 100))),
        metricsPort: maybe(fc.integer({ min: 1, max: 65535 })),
        database: maybe(
            fc.record({ poolSize: fc.integer({ min: 0, max: 50 }), maxOverflow: fc.integer({ min: 0, max: 50 }) }),
        ),
    }),
);

const service = fc
    .record({ minReplicas: fc.integer({ min: 1, max: 20 }), extra: fc.integer({ min: 0, max: 30 }) })
    .chain(({ minReplicas, extra }) =>
        serviceKeys(minReplicas).map((keys) => defined({ minReplicas, maxReplicas: minReplicas + extra, ...keys })),
    );

/** Known types of one architecture: a node group's types must all run its AMI type. */
const knownInstanceType = (arch: "x86_64" | "arm64") =>
    fc.constantFrom(
        ...Object.entries(INSTANCE_TYPES)
            .filter(([, spec]) => spec.arch === arch)
            .map(([type]) => type),
    );

/** An AMI type with instance types of its architecture (an unknown x86 type now and then). */
const amiAndTypes = fc.oneof(
    fc.record({
        amiType: maybe(fc.constantFrom("AL2023_x86_64_STANDARD", "BOTTLEROCKET_x86_64")),
        instanceTypes: maybe(
            fc.uniqueArray(
                fc.oneof(
                    { weight: 9, arbitrary: knownInstanceType("x86_64") },
                    { weight: 1, arbitrary: fc.constant("x9z.large") },
                ),
                { minLength: 1, maxLength: 3 },
            ),
        ),
    }),
    fc.record({
        amiType: fc.constantFrom("AL2023_ARM_64_STANDARD", "BOTTLEROCKET_ARM_64"),
        instanceTypes: fc.uniqueArray(knownInstanceType("arm64"), { minLength: 1, maxLength: 3 }),
    }),
);

/** A node group's keys that do not depend on its sizes and types. */
const nodeGroupOptionalKeys = fc.record({
    capacityType: maybe(fc.constantFrom("ON_DEMAND", "SPOT")),
    diskSizeGiB: maybe(fc.integer({ min: 20, max: 1000 })),
    labels: maybe(
        fc.dictionary(fc.constantFrom("role", "team", "example.com/pool"), chars(LOWER + DIGITS, 1, 8), { maxKeys: 2 }),
    ),
});

const nodeGroup = fc
    .record({
        minSize: fc.integer({ min: 0, max: 10 }),
        extra: fc.integer({ min: 0, max: 20 }),
        desired: fc.nat(),
        ami: amiAndTypes,
    })
    // The sizes and types drawn, then the optional keys from one record built once (not a record
    // of constants and these keys built for every node group: the same draws, at a fraction of the cost).
    .chain(({ minSize, extra, desired, ami }) =>
        nodeGroupOptionalKeys.map((optional) =>
            defined({
                amiType: ami.amiType,
                instanceTypes: ami.instanceTypes,
                minSize,
                maxSize: Math.max(1, minSize + extra),
                // At least one node at creation: cluster-autoscaler runs on one (the schema refuses none at all).
                desiredSize: Math.max(1, minSize + (desired % (Math.max(1, minSize + extra) - minSize + 1))),
                ...optional,
            }),
        ),
    );

/** Some of `keys`, each with a value of `value`: entries of a quota. */
const someKeys = <V>(keys: string[], value: fc.Arbitrary<V>) => {
    const values = memoized((count: number) => fc.tuple(...Array.from({ length: count }, () => value)));
    return fc
        .subarray(keys)
        .chain((chosen) =>
            values(chosen.length).map((drawn) => chosen.map((key, index) => [key, drawn[index]] as const)),
        );
};

const quota = fc
    .record({
        cpu: someKeys(["requests.cpu", "limits.cpu"], cpuQuantity),
        memory: someKeys(["requests.memory", "limits.memory"], memoryQuantity),
        counts: someKeys(["pods", "services", "persistentvolumeclaims"], fc.integer({ min: 0, max: 500 }).map(String)),
    })
    .map(({ cpu, memory, counts }) => Object.fromEntries([...cpu, ...memory, ...counts]));

const namespace = fc
    .record({
        name: dnsLabel,
        podSecurity: maybe(fc.constantFrom("restricted", "baseline")),
        quota,
        limitRange: maybe(requestsAndLimits("defaultRequest", "default")),
        protect: maybe(fc.boolean()),
    })
    .map(defined);

/** A network address (host bits clear: AWS refuses others) with a prefix between the bounds. */
const cidrOf = (minBits: number, maxBits: number) =>
    fc
        .tuple(
            fc.integer({ min: 1, max: 223 }),
            fc.integer({ min: 0, max: 255 }),
            fc.integer({ min: minBits, max: maxBits }),
        )
        .map(([a, b, bits]) => {
            const size = 2 ** (32 - bits);
            const address = Math.floor((a * 2 ** 24 + b * 2 ** 16) / size) * size;
            return `${[24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".")}/${bits}`;
        });
/** Access-list blocks: two /9s at most are one /8's addresses, the schema's limit for a list. */
const cidr = cidrOf(9, 28);
/** A VPC block: AWS allows /16 to /28, the schema /16 to /22 (room for pod IPs). */
// Up to /19: each zone's private subnet then has 1019 addresses, more than the random nodes and pods
// of a zone need (the subnet size check refuses a block too small for them).
const vpcCidr = cidrOf(16, 19);

// Some deployer must reach the API: with a VPC the run creates, only the public endpoint can
// (components/api-access.ts apiAccessCheck), so every random cluster lists at least one public CIDR.
const cluster = fc
    .record({
        // Minors with a complete, confirmed row of add-on versions, none past EKS's extended support.
        version: maybe(fc.constantFrom(...deployableMinors())),
        publicAccessCidrs: fc.array(cidr, { minLength: 1, maxLength: 2 }),
        privateAccessCidrs: maybe(fc.array(cidr, { maxLength: 2 })),
        privateAccessSecurityGroupIds: maybe(
            fc.uniqueArray(
                chars(DIGITS + "abcdef", 17, 17).map((id) => `sg-${id}`),
                { maxLength: 2 },
            ),
        ),
        logTypes: maybe(fc.subarray(["api", "audit", "authenticator", "controllerManager", "scheduler"])),
        logRetentionDays: maybe(fc.constantFrom(1, 7, 30, 90, 365, 3653)),
        protect: maybe(fc.boolean()),
    })
    .map(defined);

const network = fc.oneof(
    fc
        .record({
            mode: fc.constant("create"),
            cidrBlock: maybe(vpcCidr),
            availabilityZoneCount: maybe(fc.integer({ min: 2, max: 6 })),
            natGateways: maybe(fc.constantFrom("one-per-az", "single")),
        })
        .map(defined),
    // Zones named by ID: as many as availabilityZoneCount, none EKS refuses (use1-az3, STACK's region).
    fc.integer({ min: 2, max: 5 }).chain(
        memoized((count: number) =>
            fc.record({
                mode: fc.constant("create"),
                availabilityZoneCount: fc.constant(count),
                availabilityZoneIds: fc.shuffledSubarray(["use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6"], {
                    minLength: count,
                    maxLength: count,
                }),
            }),
        ),
    ),
    fc.record({
        mode: fc.constant("existing"),
        // EC2 IDs: 8 or 17 hex digits.
        vpcId: fc.oneof(chars(DIGITS + "abcdef", 8, 8), chars(DIGITS + "abcdef", 17, 17)).map((id) => `vpc-${id}`),
        privateSubnetIds: fc.uniqueArray(
            fc.oneof(chars(DIGITS + "abcdef", 8, 8), chars(DIGITS + "abcdef", 17, 17)).map((id) => `subnet-${id}`),
            { minLength: 2, maxLength: 4 },
        ),
    }),
);

const guardrails = fc
    .record({
        warningsAsErrors: maybe(fc.boolean()),
        database: maybe(
            fc
                .integer({ min: 1, max: 5000 })
                .chain((maxConnections) =>
                    fc
                        .record({
                            maxConnections: fc.constant(maxConnections),
                            reservedConnections: maybe(fc.integer({ min: 0, max: maxConnections - 1 })),
                        })
                        .map(defined),
                )
                .filter((database) => database.reservedConnections !== undefined || database.maxConnections > 3),
        ),
        daemonSetRequestsPerNode: maybe(
            fc.record({ cpu: maybe(cpuQuantity), memory: maybe(memoryQuantity) }).map(defined),
        ),
        instanceTypes: maybe(
            fc.dictionary(
                fc.constantFrom("x9z.large", "m6i.xlarge", "u-6tb1.metal"),
                fc.record({
                    vcpu: fc.integer({ min: 1, max: 448 }),
                    memoryMiB: fc.integer({ min: 512, max: 6_291_456 }),
                    maxPods: fc.integer({ min: 4, max: 737 }),
                }),
                { maxKeys: 2 },
            ),
        ),
    })
    .map(defined);

/** A random config the parser must accept. */
export const validRawConfig: fc.Arbitrary<Raw> = fc
    .record({
        cluster,
        network: maybe(network),
        nodeGroups: fc.dictionary(dnsLabel, nodeGroup, { minKeys: 1, maxKeys: 3 }),
        namespace,
        services: fc.dictionary(dnsLabel, service, { minKeys: 1, maxKeys: 6 }),
        guardrails: maybe(guardrails),
    })
    .map(defined);

export const STACK = { stack: "property", region: "us-east-1" } as const;

/** One way to break a valid config. */
export type MutationKind = "wrongType" | "negative" | "minAboveMax" | "badQuantity" | "unknownKey" | "missingKey";
export const MUTATION_KINDS: readonly MutationKind[] = [
    "wrongType",
    "negative",
    "minAboveMax",
    "badQuantity",
    "unknownKey",
    "missingKey",
];

export interface Mutation {
    readonly kind: MutationKind;
    readonly raw: Raw;
    /** Where the config was broken. */
    readonly path: readonly (string | number)[];
    /** An error must name one of these keys (`berrys-platform:<path>`). */
    readonly expectedKeys: readonly string[];
}

type Path = readonly (string | number)[];

/** Every path below `value`, objects and arrays included, each before the paths below it. */
function paths(value: unknown, prefix: Path = [], found: Path[] = []): Path[] {
    if (value === null || typeof value !== "object") {
        return found;
    }
    const keys: (string | number)[] = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
    for (const key of keys) {
        const path = [...prefix, key];
        found.push(path);
        paths((value as Record<string | number, unknown>)[key], path, found);
    }
    return found;
}

function get(root: unknown, path: Path): unknown {
    return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
}

function set(root: unknown, path: Path, value: unknown): void {
    (get(root, path.slice(0, -1)) as Record<string | number, unknown>)[path[path.length - 1]] = value;
}

function remove(root: unknown, path: Path): void {
    delete (get(root, path.slice(0, -1)) as Record<string | number, unknown>)[path[path.length - 1]];
}

/** Maps whose keys are free (names), rather than objects with a fixed set of keys. */
function isMap(path: Path): boolean {
    return (
        /^(services|nodeGroups|namespace\.quota|guardrails\.instanceTypes)$/.test(dotted(path)) ||
        /\.(labels|selector)$/.test(dotted(path))
    );
}

const QUANTITY_LEAVES =
    /^(namespace\.quota\.[^.]+|namespace\.limitRange\.[^.]+\.(cpu|memory)|services\.[^.]+\.resources\.(requests|limits)\.(cpu|memory)|services\.[^.]+\.metrics\.\d+\.(averageValue|value)|guardrails\.daemonSetRequestsPerNode\.(cpu|memory))$/;

/** Keys a config must have, as path patterns. */
const REQUIRED =
    /^(nodeGroups|namespace|services|namespace\.(name|quota)|services\.[^.]+\.(minReplicas|maxReplicas|priority|resources|metrics)|services\.[^.]+\.resources\.(requests|limits)(\.(cpu|memory))?|services\.[^.]+\.metrics\.\d+\.(type|name|describedObject)|nodeGroups\.[^.]+\.(minSize|maxSize|desiredSize)|network\.(mode|vpcId|privateSubnetIds)|guardrails\.database\.maxConnections|guardrails\.instanceTypes\.[^.]+\.(vcpu|memoryMiB|maxPods)|services\.[^.]+\.behavior\.scale(Up|Down)\.policies\.\d+\.(type|value|periodSeconds))$/;

const dotted = (path: Path) => path.join(".");

/** A discriminator (`type`, `mode`) is reported on the object it selects the shape of. */
function namedBy(path: Path): string[] {
    const last = path[path.length - 1];
    return last === "type" || last === "mode" ? [keyName(path), keyName(path.slice(0, -1))] : [keyName(path)];
}

function wrongTypeOf(value: unknown): unknown {
    switch (typeof value) {
        case "boolean":
            return "yes";
        case "string":
            return true;
        case "number":
            return "not-a-number";
        default:
            return 42;
    }
}

function mutate(raw: Raw, kind: MutationKind, pick: number, amount: number): Mutation | undefined {
    const copy = structuredClone(raw);
    const all = paths(copy);
    const choose = (candidates: Path[]) => (candidates.length === 0 ? undefined : candidates[pick % candidates.length]);
    switch (kind) {
        case "wrongType": {
            const path = choose(all);
            if (path === undefined) {
                return undefined;
            }
            set(copy, path, wrongTypeOf(get(copy, path)));
            return { kind, raw: copy, path, expectedKeys: namedBy(path) };
        }
        case "negative": {
            const path = choose(all.filter((candidate) => typeof get(copy, candidate) === "number"));
            if (path === undefined) {
                return undefined;
            }
            set(copy, path, -1 - amount);
            return { kind, raw: copy, path, expectedKeys: namedBy(path) };
        }
        case "minAboveMax": {
            const owners = all.filter(
                (candidate) => candidate.length === 2 && (candidate[0] === "services" || candidate[0] === "nodeGroups"),
            );
            const owner = choose(owners);
            if (owner === undefined) {
                return undefined;
            }
            const [min, max] = owner[0] === "services" ? ["minReplicas", "maxReplicas"] : ["minSize", "maxSize"];
            const ownerValue = get(copy, owner) as Record<string, number>;
            ownerValue[min] = ownerValue[max] + 1 + amount;
            return {
                kind,
                raw: copy,
                path: [...owner, min],
                expectedKeys: [keyName([...owner, min]), keyName([...owner, max])],
            };
        }
        case "badQuantity": {
            const path = choose(all.filter((candidate) => QUANTITY_LEAVES.test(dotted(candidate))));
            if (path === undefined) {
                return undefined;
            }
            set(copy, path, ["12xyz", "1.2.3", "Gi", "", "ten", "5 Gi", "1e"][amount % 7]);
            return { kind, raw: copy, path, expectedKeys: namedBy(path) };
        }
        case "unknownKey": {
            const objects: Path[] = [
                [],
                ...all.filter((candidate) => {
                    const value = get(copy, candidate);
                    return value !== null && typeof value === "object" && !Array.isArray(value) && !isMap(candidate);
                }),
            ];
            const path = [...choose(objects)!, ["bogusKey", "replicas", "minreplicas", "limit"][amount % 4]];
            if (Object.prototype.hasOwnProperty.call(get(copy, path.slice(0, -1)), path[path.length - 1])) {
                return undefined;
            }
            set(copy, path, 1);
            return { kind, raw: copy, path, expectedKeys: [keyName(path)] };
        }
        case "missingKey": {
            const path = choose(all.filter((candidate) => REQUIRED.test(dotted(candidate))));
            if (path === undefined) {
                return undefined;
            }
            remove(copy, path);
            return { kind, raw: copy, path, expectedKeys: namedBy(path) };
        }
    }
}

/** A valid config broken in one way, with the keys an error must name. */
export const mutatedRawConfig: fc.Arbitrary<Mutation> = fc
    .tuple(validRawConfig, fc.constantFrom(...MUTATION_KINDS), fc.nat(), fc.nat({ max: 1000 }))
    .map(([raw, kind, pick, amount]) => mutate(raw, kind, pick, amount))
    .filter((mutation): mutation is Mutation => mutation !== undefined);
