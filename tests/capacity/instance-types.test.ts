import * as assert from "assert";
import {
    allocatable,
    eniMaxPods,
    EVICTION_HARD_MEMORY_MIB,
    INSTANCE_TYPES,
    instanceTypeSpec,
    kubeReservedCpuMillicores,
    kubeReservedMemoryMiB,
} from "../../capacity/instance-types";

const MIB = 2 ** 20;

describe("capacity/instance-types", () => {
    describe("kubeReservedCpuMillicores (nodeadm getCPUMillicoresToReserve)", () => {
        const cases: [vcpu: number, reserved: number][] = [
            [1, 60],
            [2, 70],
            [3, 75],
            [4, 80],
            [8, 90],
            [16, 110],
            [32, 150],
            [48, 190],
            [96, 310],
        ];
        for (const [vcpu, reserved] of cases) {
            it(`reserves ${reserved}m of ${vcpu} vCPU`, () =>
                assert.strictEqual(kubeReservedCpuMillicores(vcpu), reserved));
        }
    });

    describe("kubeReservedMemoryMiB (nodeadm GetMemoryMebibytesToReserve: 255Mi + 11Mi x maxPods)", () => {
        const cases: [maxPods: number, reserved: number][] = [
            [8, 343],
            [17, 442],
            [29, 574],
            [35, 640],
            [58, 893],
            [110, 1465],
            [234, 2829],
        ];
        for (const [maxPods, reserved] of cases) {
            it(`reserves ${reserved}Mi at ${maxPods} max pods`, () =>
                assert.strictEqual(kubeReservedMemoryMiB(maxPods), reserved));
        }
    });

    describe("eniMaxPods (VPC CNI: ENIs x (IPv4 per ENI - 1) + 2)", () => {
        const cases: [enis: number, ips: number, pods: number][] = [
            [2, 4, 8],
            [3, 6, 17],
            [3, 10, 29],
            [3, 12, 35],
            [4, 15, 58],
            [8, 30, 234],
        ];
        for (const [enis, ips, pods] of cases) {
            it(`${enis} ENIs of ${ips} addresses run ${pods} pods`, () =>
                assert.strictEqual(eniMaxPods(enis, ips), pods));
        }
    });

    describe("the built-in table matches amazon-eks-ami's eni-max-pods.txt and EC2's sizes", () => {
        const cases: [type: string, vcpu: number, memoryGiB: number, maxPods: number][] = [
            ["m6i.large", 2, 8, 29],
            ["m6i.xlarge", 4, 16, 58],
            ["m6i.2xlarge", 8, 32, 58],
            ["m6i.4xlarge", 16, 64, 234],
            ["m7i.xlarge", 4, 16, 58],
            ["m5.large", 2, 8, 29],
            ["c6i.large", 2, 4, 29],
            ["c6i.xlarge", 4, 8, 58],
            ["c6i.2xlarge", 8, 16, 58],
            ["c6i.4xlarge", 16, 32, 234],
            ["r6i.large", 2, 16, 29],
            ["r6i.xlarge", 4, 32, 58],
            ["r6i.2xlarge", 8, 64, 58],
            ["r6i.4xlarge", 16, 128, 234],
            ["m6g.medium", 1, 4, 8],
            ["m6g.large", 2, 8, 29],
            ["m6g.xlarge", 4, 16, 58],
            ["m6g.4xlarge", 16, 64, 234],
            ["c6g.medium", 1, 2, 8],
            ["r6g.medium", 1, 8, 8],
            ["t3.medium", 2, 4, 17],
            ["t3.large", 2, 8, 35],
            ["t3.xlarge", 4, 16, 58],
            ["t3.2xlarge", 8, 32, 58],
        ];
        for (const [type, vcpu, memoryGiB, maxPods] of cases) {
            it(`${type}: ${vcpu} vCPU, ${memoryGiB} GiB, ${maxPods} pods`, () =>
                assert.deepStrictEqual(INSTANCE_TYPES[type], {
                    // EC2: the "g" families are Graviton (arm64).
                    arch: /^[a-z]+\d+g\./.test(type) ? "arm64" : "x86_64",
                    vcpu,
                    memoryMiB: memoryGiB * 1024,
                    maxPods,
                }));
        }
    });

    describe("allocatable = capacity - kubeReserved - 100Mi hard eviction", () => {
        const cases: [type: string, cpuMillicores: number, memoryMiB: number][] = [
            ["m6i.xlarge", 3920, 16384 - (255 + 11 * 58) - 100],
            ["m6i.large", 1930, 8192 - (255 + 11 * 29) - 100],
            ["m6i.2xlarge", 7910, 32768 - (255 + 11 * 58) - 100],
            ["m6i.4xlarge", 15890, 65536 - (255 + 11 * 234) - 100],
            ["t3.medium", 1930, 4096 - (255 + 11 * 17) - 100],
        ];
        for (const [type, cpuMillicores, memoryMiB] of cases) {
            it(`${type}: ${cpuMillicores}m and ${memoryMiB}Mi`, () => {
                const node = allocatable(INSTANCE_TYPES[type]);
                assert.deepStrictEqual(node, {
                    cpuMillicores,
                    memoryBytes: memoryMiB * MIB,
                    pods: INSTANCE_TYPES[type].maxPods,
                });
            });
        }
        it("the eviction threshold is nodeadm's evictionHard memory.available", () =>
            assert.strictEqual(EVICTION_HARD_MEMORY_MIB, 100));
    });

    describe("instanceTypeSpec", () => {
        it("finds a built-in type", () =>
            assert.deepStrictEqual(instanceTypeSpec("m6i.xlarge"), {
                arch: "x86_64",
                vcpu: 4,
                memoryMiB: 16384,
                maxPods: 58,
            }));
        it("knows nothing of a type missing from the table", () =>
            assert.strictEqual(instanceTypeSpec("x2iedn.xlarge"), undefined));
        it("takes guardrails.instanceTypes first, to add or correct a type", () => {
            const extra = {
                "x2iedn.xlarge": { vcpu: 4, memoryMiB: 131072, maxPods: 58 },
                "m6i.xlarge": { vcpu: 4, memoryMiB: 16000, maxPods: 110 },
            };
            assert.deepStrictEqual(instanceTypeSpec("x2iedn.xlarge", extra), extra["x2iedn.xlarge"]);
            assert.deepStrictEqual(instanceTypeSpec("m6i.xlarge", extra), extra["m6i.xlarge"]);
        });
        it("does not mistake Object.prototype's keys for instance types", () =>
            assert.strictEqual(instanceTypeSpec("constructor"), undefined));
    });
});
