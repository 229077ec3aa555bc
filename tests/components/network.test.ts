// components/network.ts: the VPC, its zones and subnets.
import { strict as assert } from "assert";
import { AvailabilityZone, chooseZones, liveZonesOf, ZONE_QUERY, planSubnets } from "../../components/network";
import { checkConfig } from "../../preflight";
import { ProgramFailed } from "../../tools/mock-engine";
import { runStack } from "../helpers/program";
import { fixtureStack, stackConfig, stackWith } from "../helpers/stacks";

// Issue 9 item 2: zones by ID. Zone names map to different physical zones in each account, some zone
// IDs take no EKS cluster subnet, and opted-in Local and Wavelength Zones show up in the region's
// list: the VPC spans zones chosen by ID, without those.
type CreateNetwork = Parameters<typeof chooseZones>[0];

/** us-east-1 in one account: names shuffled against IDs, use1-az3 among them. */
const US_EAST_1: AvailabilityZone[] = [
    { name: "us-east-1a", id: "use1-az4" },
    { name: "us-east-1b", id: "use1-az6" },
    { name: "us-east-1c", id: "use1-az1" },
    { name: "us-east-1d", id: "use1-az2" },
    { name: "us-east-1e", id: "use1-az3" },
    { name: "us-east-1f", id: "use1-az5" },
];

const network = (change: Partial<CreateNetwork> = {}): CreateNetwork => ({
    ...(stackConfig("production").network as CreateNetwork),
    ...change,
});

describe("availability zones by ID (issue 9 item 2)", () => {
    it("asks for zones that need no opt-in and are plain availability zones, in any state", () => {
        // EC2 DescribeAvailabilityZones filters `opt-in-status` (opt-in-not-required | opted-in |
        // not-opted-in) and `zone-type` (availability-zone | local-zone | wavelength-zone); Local and
        // Wavelength Zones are opt-in, and EKS cluster subnets can't be in Wavelength (awsdocs/amazon-eks-user-guide
        // 4d52b4d, latest/ug/networking/network-reqs.adoc, "Subnet requirements for clusters").
        // No `state`: a zone reported impaired during an incident must not drop out of the choice.
        assert.deepEqual(ZONE_QUERY, {
            allAvailabilityZones: false,
            filters: [
                { name: "opt-in-status", values: ["opt-in-not-required"] },
                { name: "zone-type", values: ["availability-zone"] },
            ],
        });
    });

    it("takes the first zones by ID, whatever this account calls them, and never use1-az3", () => {
        assert.deepEqual(chooseZones(network(), "us-east-1", US_EAST_1), {
            zones: [
                { name: "us-east-1c", id: "use1-az1" },
                { name: "us-east-1d", id: "use1-az2" },
                { name: "us-east-1a", id: "use1-az4" },
            ],
            errors: [],
        });
        // Six zones asked of a region with five usable ones.
        const six = chooseZones(network({ availabilityZoneCount: 6 }), "us-east-1", US_EAST_1);
        assert.deepEqual(six.zones, []);
        assert.deepEqual(six.errors, [
            "berrys-platform:network.availabilityZoneCount (6) must be <= the 5 zones of us-east-1 EKS supports (use1-az1, use1-az2, use1-az4, use1-az5, use1-az6)",
        ]);
        // Numeric order: az10 comes after az2.
        const many = [1, 10, 2].map((n) => ({ name: `x${n}`, id: `euw9-az${n}` }));
        assert.deepEqual(
            chooseZones(network({ availabilityZoneCount: 2 }), "eu-west-9", many).zones.map((zone) => zone.id),
            ["euw9-az1", "euw9-az2"],
        );
    });

    it("network.availabilityZoneIds names the zones, in its order; an ID the account cannot use is an error by key", () => {
        const named = chooseZones(
            network({ availabilityZoneIds: ["use1-az6", "use1-az5", "use1-az2"] }),
            "us-east-1",
            US_EAST_1,
        );
        assert.deepEqual(named, {
            zones: [
                { name: "us-east-1b", id: "use1-az6" },
                { name: "us-east-1f", id: "use1-az5" },
                { name: "us-east-1d", id: "use1-az2" },
            ],
            errors: [],
        });
        const missing = chooseZones(
            network({ availabilityZoneIds: ["use1-az1", "use1-az9", "use1-az2"] }),
            "us-east-1",
            US_EAST_1,
        );
        assert.deepEqual(missing.errors, [
            "berrys-platform:network.availabilityZoneIds.1 (use1-az9) must be a zone of us-east-1 this account can use: use1-az1, use1-az2, use1-az4, use1-az5, use1-az6",
        ]);
    });

    it("refuses at preview an availabilityZoneIds entry EKS refuses, a count mismatch, a duplicate and a malformed ID", () => {
        const file = fixtureStack("production");
        const errorsWith = (ids: unknown, count?: number) => {
            const raw = structuredClone(file.projectConfig) as Record<string, any>;
            raw.network.availabilityZoneIds = ids;
            if (count !== undefined) {
                raw.network.availabilityZoneCount = count;
            }
            const result = checkConfig(raw, file.context);
            return result.ok ? [] : result.errors;
        };
        assert.deepEqual(
            errorsWith(["use1-az1", "use1-az3", "use1-az2"]).map((e) => e.split(" must")[0]),
            ["berrys-platform:network.availabilityZoneIds.1 (use1-az3)"],
        );
        assert.match(
            errorsWith(["use1-az1", "use1-az3", "use1-az2"])[0],
            /must not be a zone EKS refuses for cluster subnets in us-east-1/,
        );
        assert.match(
            errorsWith(["use1-az1", "use1-az2"])[0],
            /^berrys-platform:network\.availabilityZoneIds \(\["use1-az1","use1-az2"\]\) must list availabilityZoneCount \(3\) zones; list that many, or set availabilityZoneCount to 2$/,
        );
        assert.deepEqual(errorsWith(["use1-az1", "use1-az2"], 2), []);
        assert.match(errorsWith(["use1-az1", "use1-az1", "use1-az2"])[0], /must not list a zone twice/);
        assert.match(
            errorsWith(["us-east-1a", "use1-az1", "use1-az2"])[0],
            /^berrys-platform:network\.availabilityZoneIds\.0 \("us-east-1a"\) must be an availability zone ID such as use1-az1/,
        );
    });

    it("the program puts each subnet in a zone by ID, from the filtered invoke (the mock lists a Local and a Wavelength Zone)", async () => {
        const run = await runStack("production");
        const query = run.invokes.filter(
            (invoke) => invoke.token === "aws:index/getAvailabilityZones:getAvailabilityZones",
        );
        assert.equal(query.length, 1);
        assert.deepEqual(query[0].inputs, ZONE_QUERY);
        const subnets = run.registered.filter((r) => r.type === "aws:ec2/subnet:Subnet");
        assert.ok(
            subnets.every((subnet) => subnet.inputs.availabilityZone === undefined),
            "subnets must not be placed by zone name",
        );
        assert.deepEqual(
            [...new Set(subnets.map((subnet) => subnet.inputs.availabilityZoneId))],
            ["use1-az1", "use1-az2", "use1-az4"],
        );
        const named = await runStack("production", {
            configOverrides: {
                "berrys-platform:network": {
                    ...(fixtureStack("production").projectConfig.network as object),
                    availabilityZoneIds: ["use1-az6", "use1-az5", "use1-az4"],
                },
            },
        });
        assert.deepEqual(
            [
                ...new Set(
                    named.registered
                        .filter((r) => r.type === "aws:ec2/subnet:Subnet")
                        .map((s) => s.inputs.availabilityZoneId),
                ),
            ],
            ["use1-az6", "use1-az5", "use1-az4"],
        );
    });

    it("a zone the account does not have stops the program before any resource", async () => {
        const network = {
            ...(fixtureStack("production").projectConfig.network as object),
            availabilityZoneCount: 2,
            availabilityZoneIds: ["use1-az1", "use1-az7"],
        };
        await assert.rejects(
            runStack("production", { configOverrides: { "berrys-platform:network": network } }),
            (failure: unknown) => {
                assert.ok(failure instanceof ProgramFailed);
                assert.match(
                    failure.message,
                    /berrys-platform:network\.availabilityZoneIds\.1 \(use1-az7\) must be a zone of us-east-1 this account can use/,
                );
                assert.equal(failure.registered.length, 0);
                return true;
            },
        );
        assert.ok(
            stackWith("production", (raw) => {
                raw.network.availabilityZoneCount = 2;
                raw.network.availabilityZoneIds = ["use1-az1", "use1-az7"];
            }),
            "the ID is well-formed: only AWS's answer shows it is not a zone of this account",
        );
    });
});

describe("a stack's zones stay put once it has subnets (issue 20 item 4)", () => {
    // aws_subnet's availability_zone_id is ForceNew (terraform-provider-aws internal/service/ec2
    // vpc_subnet.go): a shifted choice would replace the subnets, and the node groups in them, under
    // a running cluster, during the incident that shifted it.
    const live: AvailabilityZone[] = [
        { name: "us-east-1c", id: "use1-az1" },
        { name: "us-east-1d", id: "use1-az2" },
        { name: "us-east-1a", id: "use1-az4" },
    ];
    const withoutAz2 = US_EAST_1.filter((zone) => zone.id !== "use1-az2");

    it("keeps the live subnets' zones when one of them is missing from the region's answer", () => {
        assert.deepEqual(
            chooseZones(network(), "us-east-1", withoutAz2).zones.map((zone) => zone.id),
            ["use1-az1", "use1-az4", "use1-az5"],
            "first deploy: the next zone",
        );
        assert.deepEqual(chooseZones(network(), "us-east-1", withoutAz2, live), { zones: live, errors: [] });
    });

    it("changes the zones only by key: a raised count adds the next zone by ID, a lowered one drops the last, availabilityZoneIds names them", () => {
        assert.deepEqual(
            chooseZones(network({ availabilityZoneCount: 4 }), "us-east-1", withoutAz2, live).zones.map(
                (zone) => zone.id,
            ),
            ["use1-az1", "use1-az2", "use1-az4", "use1-az5"],
        );
        assert.deepEqual(
            chooseZones(network({ availabilityZoneCount: 2 }), "us-east-1", US_EAST_1, live).zones.map(
                (zone) => zone.id,
            ),
            ["use1-az1", "use1-az2"],
        );
        const named = chooseZones(
            network({ availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az6"] }),
            "us-east-1",
            withoutAz2,
            live,
        );
        assert.deepEqual(named, { zones: [live[0], live[1], { name: "us-east-1b", id: "use1-az6" }], errors: [] });
    });

    it("reads the live zones in subnet order from the subnets' Name tags", () => {
        const subnet = (index: number, id: string) => ({
            availabilityZoneId: id,
            availabilityZone: `name-${id}`,
            tags: { Name: `berrys-production-private-${index}` },
        });
        assert.deepEqual(
            liveZonesOf([subnet(2, "use1-az4"), subnet(0, "use1-az1"), subnet(1, "use1-az2")]).map((zone) => zone.id),
            ["use1-az1", "use1-az2", "use1-az4"],
        );
    });

    it("the program keeps the live zones while the region reports use1-az2 impaired (left out of the zone list)", async () => {
        const subnetIds = ["subnet-0a", "subnet-0b", "subnet-0c"];
        const run = await runStack("production", {
            callOverrides: (token, inputs) => {
                if (token === "aws:ec2/getSubnets:getSubnets") {
                    assert.ok(
                        inputs.filters.some(
                            (filter: { name: string; values: string[] }) =>
                                filter.name === "tag:berrys.io/stack" && filter.values[0] === "production",
                        ),
                    );
                    return { ids: subnetIds };
                }
                if (token === "aws:ec2/getSubnet:getSubnet") {
                    const index = subnetIds.indexOf(inputs.id);
                    return {
                        id: inputs.id,
                        availabilityZoneId: live[index].id,
                        availabilityZone: live[index].name,
                        tags: { Name: `berrys-production-private-${index}` },
                    };
                }
                if (token === "aws:index/getAvailabilityZones:getAvailabilityZones") {
                    return { names: withoutAz2.map((zone) => zone.name), zoneIds: withoutAz2.map((zone) => zone.id) };
                }
                return undefined;
            },
        });
        const zones = [
            ...new Set(
                run.registered
                    .filter((r) => r.type === "aws:ec2/subnet:Subnet")
                    .map((subnet) => subnet.inputs.availabilityZoneId),
            ),
        ];
        assert.deepEqual(zones, ["use1-az1", "use1-az2", "use1-az4"]);
    });
});

describe("the network's spec builders", () => {
    it("splits a VPC block into one large private subnet per zone and small public ones at its end", () => {
        const cases: [string, number, string[], string[]][] = [
            [
                "10.40.0.0/16",
                3,
                ["10.40.0.0/19", "10.40.32.0/19", "10.40.64.0/19"],
                ["10.40.224.0/22", "10.40.228.0/22", "10.40.232.0/22"],
            ],
            ["10.0.0.0/16", 2, ["10.0.0.0/19", "10.0.32.0/19"], ["10.0.224.0/22", "10.0.228.0/22"]],
            [
                "172.16.0.0/20",
                6,
                ["172.16.0.0/23", "172.16.2.0/23", "172.16.4.0/23", "172.16.6.0/23", "172.16.8.0/23", "172.16.10.0/23"],
                [
                    "172.16.14.0/26",
                    "172.16.14.64/26",
                    "172.16.14.128/26",
                    "172.16.14.192/26",
                    "172.16.15.0/26",
                    "172.16.15.64/26",
                ],
            ],
        ];
        for (const [block, zones, privateCidrs, publicCidrs] of cases) {
            assert.deepEqual(planSubnets(block, zones), { privateCidrs, publicCidrs }, block);
        }
    });
});
