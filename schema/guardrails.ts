// Config schema of `guardrails`: the capacity checks run before deploying (capacity/model.ts,
// capacity/findings.ts). Every key has a default, so the whole block may be left out.
import { z } from "zod";
import { memoryQuantity, positiveInt, quantity } from "./common";

/**
 * What the per-node DaemonSets request on every node, summed over their containers, by default.
 * Each figure is the upstream default of the manifest or chart EKS installs:
 * - aws-node (Amazon VPC CNI): cpu 25m, no memory request
 *   (aws/amazon-vpc-cni-k8s charts/aws-vpc-cni/values.yaml `resources.requests`).
 * - kube-proxy (EKS add-on): cpu 100m, no memory request (the EKS kube-proxy DaemonSet manifest).
 * - eks-pod-identity-agent: no requests (aws/eks-pod-identity-agent chart values `resources: {}`).
 * - node-exporter (prometheus-node-exporter, a kube-prometheus-stack dependency): no requests
 *   (chart values `resources: {}`).
 * - ebs-csi-node: 10m and 40Mi for each of its 3 containers (ebs-plugin, node-driver-registrar and
 *   liveness-probe take `node.resources` when their own are empty: kubernetes-sigs/aws-ebs-csi-driver
 *   charts/aws-ebs-csi-driver values.yaml and templates/node.yaml), so 30m and 120Mi.
 * Total: cpu 25m + 100m + 30m = 155m, memory 120Mi. Raise them when the add-ons are given requests.
 */
export const DAEMONSET_REQUESTS_PER_NODE = { cpu: "155m", memory: "120Mi" } as const;

/** PostgreSQL's `superuser_reserved_connections` default, which is also what RDS keeps for its own automation. */
export const DEFAULT_RESERVED_CONNECTIONS = 3;

const count = (min: number) => positiveInt.min(min, { error: `must be >= ${min}` });

const databaseSchema = z
    .strictObject({
        maxConnections: count(1).describe(
            "The server's `max_connections` (RDS PostgreSQL: LEAST(DBInstanceClassMemory/9531392, 5000)).",
        ),
        reservedConnections: count(0)
            .default(DEFAULT_RESERVED_CONNECTIONS)
            .describe("Connections the services can never use: superuser_reserved_connections and RDS's own."),
    })
    // Runs even when other keys are invalid (`when`), so every problem is reported at once; hence
    // the guards (the value may not even be an object).
    .superRefine(
        (database, ctx) => {
            if (
                database !== null &&
                typeof database === "object" &&
                Number.isInteger(database.maxConnections) &&
                Number.isInteger(database.reservedConnections) &&
                database.reservedConnections >= database.maxConnections
            ) {
                ctx.addIssue({
                    code: "custom",
                    path: ["reservedConnections"],
                    input: database.reservedConnections,
                    message: `must be < maxConnections (${database.maxConnections}): otherwise no connection is left for the services`,
                });
            }
        },
        { when: () => true },
    );

const instanceTypeSchema = z.strictObject({
    arch: z
        .enum(["x86_64", "arm64"])
        .optional()
        .describe('CPU architecture (default: from the name, a "g" after the generation digits is arm64: m7g, t4g).'),
    vcpu: count(1).describe("vCPUs of the instance type."),
    memoryMiB: count(1).describe("Memory of the instance type in MiB, as EC2 lists it (16 GiB = 16384)."),
    maxPods: count(1).describe("The kubelet's maxPods: the VPC CNI's ENIs x (IPv4 addresses per ENI - 1) + 2."),
});

export const guardrailsSchema = z
    .strictObject({
        warningsAsErrors: z
            .boolean()
            .default(false)
            .describe("Fail `pulumi preview` on capacity warnings too, not only on errors."),
        database: databaseSchema
            .optional()
            .describe("The database the services' connection pools share; leave it out to skip the connection check."),
        daemonSetRequestsPerNode: z
            .strictObject({
                cpu: quantity
                    .default(DAEMONSET_REQUESTS_PER_NODE.cpu)
                    .describe(
                        "CPU the DaemonSets (aws-node, kube-proxy, ebs-csi-node, ...) request on every node; sources in schema/guardrails.ts.",
                    ),
                memory: memoryQuantity
                    .default(DAEMONSET_REQUESTS_PER_NODE.memory)
                    .describe("Memory the DaemonSets request on every node."),
            })
            .prefault({}),
        instanceTypes: z
            .record(
                z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, {
                    error: "must be an EC2 instance type such as m6i.xlarge",
                }),
                instanceTypeSchema,
                {
                    error: "must be a map from instance type to its vcpu, memoryMiB and maxPods",
                },
            )
            .default({})
            .describe(
                "`{<type>: {vcpu, memoryMiB, maxPods, arch?}}` for instance types missing from `capacity/instance-types.ts` (the fix an unknown-type error names), or to correct an entry there.",
            ),
    })
    .prefault({})
    .describe(
        "The capacity checks run before deploying (quota, nodes, PDBs, database connections); every key has a default.",
    );
export type GuardrailsSettings = z.output<typeof guardrailsSchema>;
