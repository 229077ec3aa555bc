// Shared by the benchmark's child processes (plain JavaScript, so that measuring them costs no
// TypeScript): answers every registration and invoke with what the mock engine answered in the
// bench's recorded run (tools/bench.ts), and notes the process's CPU time at each registration.
// On exit it writes { cpuSeconds, registrations, unknown } to the file named by BENCH_REPORT:
// cpuSeconds is process.cpuUsage() (user + system, every thread of the process, from its start)
// at the last registration.
"use strict";
const fs = require("fs");

/** Reads the job the bench wrote (BENCH_JOB) and sets the replaying mocks on this @pulumi/pulumi. */
function startReplay(pulumi) {
    const job = JSON.parse(fs.readFileSync(process.env.BENCH_JOB, "utf8"));
    const answers = new Map(job.resources.map((resource) => [`${resource.type}::${resource.name}`, resource]));
    let registrations = 0;
    let unknown = 0;
    let lastCpu = process.cpuUsage();
    pulumi.runtime.setMocks(
        {
            newResource(args) {
                registrations++;
                lastCpu = process.cpuUsage();
                const answer = answers.get(`${args.type}::${args.name}`);
                if (answer === undefined) {
                    // The program registered something the recorded run did not: count it (the bench
                    // reports it) and answer as the mock engine would for a resource it knows nothing of.
                    unknown++;
                    return { id: args.custom === false ? "" : `${args.name}-id`, state: args.inputs };
                }
                return { id: args.id || answer.id, state: answer.state };
            },
            call(args) {
                const failure = job.callFailures[args.token];
                // As the mock engine fails it (tools/mock-engine.ts invokeFailure).
                if (failure !== undefined) throw Object.assign(new Error(failure), { details: failure });
                return job.calls[args.token] ?? {};
            },
        },
        job.project.name,
        job.stack,
        false,
    );
    pulumi.runtime.setAllConfig(job.config);
    process.on("exit", () => {
        fs.writeFileSync(
            process.env.BENCH_REPORT,
            JSON.stringify({
                cpuSeconds: (lastCpu.user + lastCpu.system) / 1e6,
                registrations,
                unknown,
            }),
        );
    });
    return job;
}

module.exports = { startReplay };
