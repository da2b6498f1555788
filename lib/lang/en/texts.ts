/**
 * English texts of one part of the lab (see ../en.ts): keys are unique across parts. This part: the texts computed
 * from results (theory, conclusions, the terminal summary: th.*, tx.*, st.*) and the texts the bench stores in
 * results (models: model.*, workloads: workload.*, calibration: cal.*). The stored ones are written word for word as
 * the bench wrote them before it kept sentences, so that an older file's text is found in the catalogue.
 */

/** What a workload asks of the server, as the bench stores it (bench/plan/workloads.ts). */
const WORKLOADS = {
  hello: 'GET / — the smallest answer: the cost of the model itself',
  cpu: 'about 2 ms of CPU work per request (PBKDF2)',
  io: 'a 20 ms wait per request (as for a database), no CPU',
  mixed: 'about 1 ms of CPU, then a 10 ms wait',
  static: 'a file of the static site, read from disk on every request',
  csv: "the CSV API: a fixed mix of the course's list and detail routes",
  session:
    "GET /visits, the course's cookie counter: every client keeps its own cookie and sends each visit on a new connection; an answer whose count is not that client's previous + 1 is a lost update",
  'ws-echo': 'WebSocket: each client sends a message and waits for its echo (reversed), then sends the next',
  'ws-chat': 'WebSocket: members of one room; one publishes at a set rate and every member, the publisher too, must receive each message',
} as const;
/** The same workload measured beside idle connections held open (--hold). */
const held = (description: string): string => `${description}, with {hold:int} idle WebSocket connections held open`;

export const textsEn = {
  // The models, as the bench stores them (servers/catalogue.ts)
  'model.sequential.summary': 'one thread; every step of a request blocks it',
  'model.sequential.paragraph':
    'One thread does everything, and every step of a request blocks it: files are read with readFileSync, ' +
    'waits sleep the thread. Connections are still accepted, but their requests queue and are served one ' +
    'after another, so throughput is 1 / (service time) whatever the number of clients, and latency grows ' +
    'with every client added: with 16 clients, each waits for the 15 others. A 20 ms wait caps it near ' +
    '50 requests per second even though the CPU is idle. This is the server of the first lesson, and the ' +
    'baseline every other model is measured against.',
  'model.event-loop.summary': 'one thread; waits are non-blocking, others progress meanwhile',
  'model.event-loop.paragraph':
    'One thread, but a request that waits (for a file, a timer, a database) gives the thread back to the ' +
    'event loop, which serves other requests meanwhile. Waits overlap: with a 20 ms wait, 16 clients get ' +
    'about 16 times the throughput of the sequential model at about the same latency. CPU work does not ' +
    'overlap: computing still happens on the one thread, so a CPU-bound workload behaves like the ' +
    'sequential model and uses one core. This is how Node.js is meant to be used, and the cheapest model ' +
    'for small answers.',
  'model.worker-pool.summary': 'main thread accepts; N pool threads (piscina) run requests with blocking waits',
  'model.worker-pool.paragraph':
    'The main thread accepts connections and hands each request to one of N threads of a pool (piscina); ' +
    'the pool thread runs the request from start to finish, blocking on its waits, as in a classic ' +
    'thread-per-request server. CPU work spreads over cores, so a CPU-bound workload can go up to N times ' +
    'faster than the event loop when the cores are free. Waits are bounded by the pool: with N threads, at ' +
    'most N requests wait at once, so an I/O-bound workload gets about N times the sequential model, far ' +
    'below the event loop. Each hand-off copies the request and the answer between threads: for tiny ' +
    'answers the pool is slower than a plain event loop.',
  'model.cluster.summary': 'N processes (node:cluster), each an event loop, share one port',
  'model.cluster.paragraph':
    'N processes started by node:cluster share one listening port; the primary process hands each new ' +
    'connection to one of them in turn. Each process is a full event-loop server, so waits overlap inside ' +
    'each one and CPU work spreads over the cores. Each process holds its own copy of the program and the ' +
    'data: memory grows with N. A process that dies is replaced. On a machine with few cores shared with ' +
    'the load generator, N processes plus the client are oversubscribed: they take turns on the cores, and ' +
    'the gain over the event loop is smaller than N.',
  'model.thread-per-request.summary': 'main thread accepts; a new worker thread for every request, ended after it',
  'model.thread-per-request.paragraph':
    'The main thread accepts connections and starts a new worker thread for every request; the thread ' +
    'loads the application, runs the request with blocking waits, answers and ends. It does the same work ' +
    'as a pool thread, plus the birth of a thread every time: a new JavaScript engine instance, the modules ' +
    'loaded again, a few milliseconds to tens of milliseconds before any work. Next to the worker-pool, ' +
    'which keeps its threads, this is the price of not reusing them: small answers are many times slower, ' +
    'long requests hardly notice. At most N threads live at once (--threads, twice the cores by default); ' +
    'further requests wait in line. Each thread shares nothing, so an API request parses the CSV data again.',
  'model.process-per-request.summary': 'main process accepts; a new process for every request (CGI), ended after it',
  'model.process-per-request.paragraph':
    'The main process accepts connections and starts a new Node.js process for every request, as a CGI ' +
    'server starts a program or a serverless platform a cold function; the process loads the application, ' +
    'runs the one request, answers and exits. Every request pays a cold start of tens of milliseconds and ' +
    'tens of megabytes before any work, so even the smallest answer takes many times longer than on the ' +
    'event loop, and throughput is bounded by how fast the machine can start processes. At most N processes ' +
    'live at once (--processes, the cores by default); further requests wait in line. Nothing is kept between ' +
    'requests: an API request parses the CSV data again, and local sessions never count past 1.',
  'model.fastify.summary': 'one thread; the event-loop model routed and answered through fastify',
  'model.fastify.paragraph':
    'The event-loop model with a framework in between: fastify routes each request to the application and ' +
    'writes its answer, with the same handler and the same non-blocking waits. What changes is only the ' +
    'code between the socket and the handler: a radix-tree router, hooks, and reply serialisation instead ' +
    'of a hand-written adapter. Expect throughput and latency within a few percent of the event-loop model ' +
    'for real work, and a measurable difference only on the smallest answers, where the framework is most ' +
    'of what runs.',
  'model.baseline.summary': 'reference only: a bare node:http server that answers / without the application',
  'model.baseline.paragraph':
    'Not a model of the application: a bare node:http server that answers every request with the bytes of ' +
    "the application's `/`. It shows the ceiling of Node.js on this machine, so that the cost of the " +
    'application and of each model can be read against it.',
  // The workloads, as the bench stores them (bench/plan/workloads.ts)
  'workload.hello.description': WORKLOADS.hello,
  'workload.cpu.description': WORKLOADS.cpu,
  'workload.io.description': WORKLOADS.io,
  'workload.mixed.description': WORKLOADS.mixed,
  'workload.static.description': WORKLOADS.static,
  'workload.csv.description': WORKLOADS.csv,
  'workload.session.description': WORKLOADS.session,
  'workload.ws-echo.description': WORKLOADS['ws-echo'],
  'workload.ws-chat.description': WORKLOADS['ws-chat'],
  'workload.hello.held': held(WORKLOADS.hello),
  'workload.cpu.held': held(WORKLOADS.cpu),
  'workload.io.held': held(WORKLOADS.io),
  'workload.mixed.held': held(WORKLOADS.mixed),
  'workload.static.held': held(WORKLOADS.static),
  'workload.csv.held': held(WORKLOADS.csv),
  'workload.session.held': held(WORKLOADS.session),
  'workload.ws-echo.held': held(WORKLOADS['ws-echo']),
  'workload.ws-chat.held': held(WORKLOADS['ws-chat']),
  // The calibration's method, as the bench stores it (bench/machine/calibration.ts); the first, of older files
  'cal.method.median7': 'median of 7 runs of 50000 PBKDF2-SHA256 iterations (iterations per ms)',
  'cal.method.measured': "90th percentile of 15 runs of 50000 PBKDF2-SHA256 iterations (iterations per ms): the machine's speed when nothing slows it",
  'cal.method.kept': 'kept from the first run on this machine ({at}), so that a cpu request is the same work in every run here; --recalibrate measures afresh',
  // A case none of whose trials completed (results/stats/case-summary.ts): stored as the case's error
  'st.noTrial': 'no trial completed',
  // Theory against measurement: why a case parts from theory (reports/text/causes.ts)
  'th.cause.uncertainDemands': 'uncertain demands: a case the prediction stands on (1 client, or a level its CPU under load is fitted from) was itself unsure ({why})',
  'th.cause.jitBatching':
    'JIT and batching: at 1 client each request pays costs that load spreads out (a wake-up of the client and of the server, a loop turn, code not yet optimised), so the demands measured there overstate what a request costs under load',
  'th.cause.clientSaturation': 'client saturation: the load generator used {cpu:pct} of a core, so the client, not the model, set the pace',
  'th.cause.clientLag': 'client saturation: the client trailed its own schedule, so fewer requests went out than planned',
  'th.cause.linkRate':
    "the link's rate: at most {rate} Mbit/s each way (--netem-rate), a station the model leaves out; answers queue for the wire, whose time theory counts as a delay every client can spend at once",
  'th.cause.slowRamp':
    'clients still getting in: the window opened with some clients not yet answered (the bench stopped waiting for them), so fewer clients were served than the case says',
  'th.cause.machineChanged': 'the machine changed during the run: some trials were taken while it was busy or slower',
  'th.cause.memory': 'memory: the server grew to {rss} ({base} at 1 client), and collecting garbage takes a share of the CPU the model does not count',
  'th.cause.handOff':
    'hand-off cost: passing requests and answers between threads or processes costs more under load than at 1 client (queues, copies, wake-ups, context switches)',
  'th.cause.contention': 'contention the model leaves out: the kernel’s network stack, context switches and caches, shared by the server and the client on the same cores',
  'th.cause.openClientLag': 'client saturation: the client trailed its own schedule, which lowers the rate it offered and adds to every latency',
  'th.cause.tooFewRequests': 'too few requests: {requests:int} in the window, so the answered rate is a rough count',
  'th.cause.tooFewRequestsWindows': 'too few requests: {requests:int} in the windows, so the answered rate is a rough count',
  'th.cause.nearSaturation':
    'near saturation: theory puts the capacity at {capacity:f1} req/s, close to the {rate} offered; so close to full, a small error in the demands moves the queue a lot, and a window of a few seconds never reaches a steady state',
  'th.cause.slowSettle': 'a queue that took long to settle: a window of a few seconds saw more waiting than theory gives',
  'th.cause.variableService':
    'service times vary more under load than at 1 client (garbage collection, the scheduler, the other connections), and variable services queue longer',
  'th.cause.batching': 'requests were served in batches: under load one loop turn serves several, so a request waits less than the 1-client demand implies',
  'th.check': '`{model}` at {where}: measured {measured} req/s, theory {theory} ({error}); mean latency {latency} against theory',
  'th.offered': '{rate} req/s offered',
  // The stations of the queueing models (results/theory/predict.ts, predict-open.ts): what a bottleneck is
  'th.station.client': 'client',
  'th.station.thread': 'thread',
  'th.station.threads': 'threads',
  'th.station.processes': 'processes',
  'th.station.eventLoop': 'event loop',
  'th.station.eventLoops': 'event loops',
  'th.station.wait': 'wait',
  'th.station.mainThread': 'main thread',
  'th.station.poolThreads': 'pool threads',
  'th.station.oneConnection': 'the one connection',
  'th.station.ownThread': 'own thread or process',
  'th.station.cores': 'cores',
  'th.station.clientConnections': 'the client’s connections',
  'th.station.none': 'none',
  'th.station.parallelPart': '{station} (parallel part)',
  // What a run concludes (reports/text/conclusions.ts)
  'tx.where': 'on `{workload}` at {clients}',
  'tx.served': '{where}, `{more}` served {ratio}× the {what} of `{less}` (95%: {interval})',
  'tx.moreNotSurely': '{where}, `{more}` served more than `{less}` (95%: {interval}), but not surely by the 5% the lab calls a difference',
  'tx.same': '{where}, `{a}` and `{b}` do not differ measurably ({spread})',
  'tx.tooFewRounds': 'too few rounds to tell',
  'tx.rps': '{rps} req/s',
  'tx.rpsInterval': '{rps} req/s (95%: {low}–{high})',
  // How a run spoke to its servers (reports/text/transport.ts)
  'tx.transport.https': 'HTTPS (self-signed)',
  'tx.transport.newConnection': 'a new connection per request',
  'tx.transport.keepAlive': 'keep-alive',
  'tx.transport.localSessions': 'local sessions',
  'tx.transport.tls': "HTTPS with the lab's self-signed certificate (--tls): every new connection pays a TLS handshake, on the server's CPU too",
  'tx.transport.plain': 'plain HTTP',
  'tx.transport.everyNew': 'every request on a new connection (--new-connections): its latency includes connecting',
  'tx.transport.everyNewTls': 'every request on a new connection (--new-connections): its latency includes connecting and the handshake',
  'tx.transport.reused': 'keep-alive: each client opens its connection once and reuses it',
  'tx.transport.reusedTls': 'keep-alive: each client opens its connection once and reuses it, so one handshake is amortised over all its requests',
  'tx.transport.sessionsLocal': 'sessions local (--sessions local): each process or thread counts /visits in its own map',
  'tx.transport.sessionsShared': 'sessions shared: one store of /visits counts per server',
  'tx.transport.sentence': '{scheme}; {connections}; {sessions}.',
  'tx.link.delay': '{delay} ms each way',
  'tx.link.rate': '{rate} Mbit/s each way',
  'tx.link.both': '{delay} ms and {rate} Mbit/s each way',
  // The session workload's lost updates (reports/text/lost-updates.ts)
  'tx.lost': '{lost:int} of {answers:int} answers',
  'tx.lostShare': '{lost:int} of {answers:int} answers ({share:pct})',
  // The bench's terminal summary (reports/text/summary.ts); its headings are summary.*
  'tx.sum.failed': 'FAILED',
  'tx.sum.offered': '{rate} {unit} offered',
  'tx.sum.openHeading': '{workload}, open loop — achieved {unit} · p50 · p99 from the planned send times',
  'tx.sum.demandsOnly': 'closed loop: what one request needs, for the predictions',
  'tx.sum.lostUpdates': "lost updates (a visit count that was not the client's previous + 1; sessions {sessions}):",
  'tx.sum.ranking': '{clients}: {ranking}',
  'tx.sum.failedCase': 'FAILED {model} · {workload} · {where}: {error}',
  'tx.sum.marked': '{n} case(s) had trials taken while the machine was busy or slower; {how} (see the marked trials on the page).',
  'tx.sum.retriedAll': 'they were retried',
  'tx.sum.retriedNone': 'the time budget or --max-trials left no room to retry them',
  'tx.sum.retriedSome': '{retried} of them were retried, the time budget or --max-trials left no room for the others',
  // What a fault did (reports/text/faults.ts)
  'tx.sum.faults': 'Faults (--fault): a fault is an experiment, not a failure; the figures above include what it did',
  'fault.kind.kill': 'the kill at {at} s',
  'fault.kind.stall': 'the {arg} ms stall at {at} s',
  'fault.kind.slowloris': '{arg} slow connections (slowloris) at {at} s',
  'fault.kind.cpu-hog': 'a {arg} s cpu-hog at {at} s',
  'fault.lost.none': 'no request',
  'fault.lost.one': '{n} request',
  'fault.lost.many': '{n} requests',
  'fault.recovered': '{model} ({where}) lost {lost} after {fault} and recovered in {seconds}',
  'fault.notRecovered': '{model} ({where}) lost {lost} after {fault} and did not recover{why}',
  'fault.lostAll': '{model} ({where}) lost every request after {fault} ({lost} attempts failed) and did not recover{why}',
  'fault.kept': '{model} ({where}) kept its throughput through {fault} and lost {lost}',
  'fault.why.gone': ': nothing restarts it',
  'fault.timeouts.one': '; one of them waited until the client gave up (its timeout)',
  'fault.timeouts.many': '; {n} of them waited until the client gave up (its timeout)',
  'fault.some': ' ({recovered} of {trials} trials recovered)',
  'fault.failed': '{model} ({where}): {fault} could not be done ({error})',
  'fault.unseen': '{model} ({where}) lost {lost} after {fault}; the window ended too soon after it to see a recovery',
  'fault.never': '{model} ({where}): {fault} never happened (the trials ended first)',
} as const;
