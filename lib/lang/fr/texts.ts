/**
 * Les textes français d'une partie du laboratoire (voir ../fr.ts) : les mêmes clés qu'en anglais. Cette partie : les
 * textes tirés des résultats (théorie, conclusions, résumé du terminal) et ceux que le banc range dans les résultats
 * (modèles, charges, étalonnage).
 */
import type { textsEn } from '../en/texts.js';

/** Ce qu'une charge demande au serveur (bench/plan/workloads.ts). */
const WORKLOADS = {
  hello: 'GET / — la plus petite réponse : le coût du modèle lui-même',
  cpu: 'environ 2 ms de calcul par requête (PBKDF2)',
  io: 'une attente de 20 ms par requête (comme pour une base de données), sans calcul',
  mixed: 'environ 1 ms de calcul, puis une attente de 10 ms',
  static: 'un fichier du site statique, lu sur le disque à chaque requête',
  csv: 'l’API CSV : un mélange fixe des routes de liste et de détail du cours',
  session:
    'GET /visits, le compteur de visites à cookie du cours : chaque client garde son propre cookie et envoie chaque visite sur une nouvelle connexion ; une réponse dont le compte n’est pas le précédent de ce client + 1 est une mise à jour perdue',
  'ws-echo': 'WebSocket : chaque client envoie un message, attend son écho (à l’envers), puis envoie le suivant',
  'ws-chat': 'WebSocket : les membres d’un même salon ; l’un publie à un rythme fixé, et chaque membre, l’auteur compris, doit recevoir chaque message',
} as const;
/** La même charge, mesurée à côté de connexions inactives tenues ouvertes (--hold). */
const held = (description: string): string => `${description}, avec {hold:int} connexions WebSocket inactives tenues ouvertes`;

export const textsFr: Readonly<Record<keyof typeof textsEn, string>> = {
  'model.sequential.summary': 'un seul thread ; chaque étape d’une requête le bloque',
  'model.sequential.paragraph':
    'Un seul thread fait tout, et chaque étape d’une requête le bloque : les fichiers sont lus avec readFileSync, ' +
    'les attentes endorment le thread. Les connexions sont toujours acceptées, mais leurs requêtes font la queue ' +
    'et sont servies l’une après l’autre : le débit vaut 1 / (temps de service) quel que soit le nombre de clients, ' +
    'et la latence augmente à chaque client ajouté ; avec 16 clients, chacun attend les 15 autres. Une attente de ' +
    '20 ms le plafonne vers 50 requêtes par seconde, alors même que le processeur ne fait rien. C’est le serveur du ' +
    'premier cours, et la référence à laquelle on mesure tous les autres modèles.',
  'model.event-loop.summary': 'un seul thread ; les attentes ne bloquent pas, les autres requêtes avancent pendant ce temps',
  'model.event-loop.paragraph':
    'Un seul thread, mais une requête qui attend (un fichier, un minuteur, une base de données) rend le thread à ' +
    'la boucle d’événements, qui sert d’autres requêtes pendant ce temps. Les attentes se chevauchent : avec une ' +
    'attente de 20 ms, 16 clients obtiennent environ 16 fois le débit du modèle séquentiel, pour à peu près la même ' +
    'latence. Le calcul, lui, ne se chevauche pas : il se fait toujours sur l’unique thread, si bien qu’une charge de ' +
    'calcul se comporte comme avec le modèle séquentiel et n’utilise qu’un cœur. C’est ainsi que Node.js est fait ' +
    'pour être utilisé, et c’est le modèle le moins coûteux pour les petites réponses.',
  'model.worker-pool.summary': 'le thread principal accepte ; N threads d’un pool (piscina) exécutent les requêtes avec des attentes bloquantes',
  'model.worker-pool.paragraph':
    'Le thread principal accepte les connexions et confie chaque requête à l’un des N threads d’un pool (piscina) ; ' +
    'ce thread exécute la requête du début à la fin, en se bloquant sur ses attentes, comme dans un serveur ' +
    'classique à un thread par requête. Le calcul se répartit sur les cœurs : une charge de calcul peut aller ' +
    'jusqu’à N fois plus vite que la boucle d’événements quand les cœurs sont libres. Les attentes sont bornées par ' +
    'le pool : avec N threads, au plus N requêtes attendent à la fois, si bien qu’une charge d’entrées-sorties obtient ' +
    'environ N fois le débit du modèle séquentiel, bien en dessous de la boucle d’événements. Chaque passage de ' +
    'relais copie la requête et la réponse d’un thread à l’autre : pour de toutes petites réponses, le pool est plus ' +
    'lent qu’une simple boucle d’événements.',
  'model.cluster.summary': 'N processus (node:cluster), chacun une boucle d’événements, partagent un même port',
  'model.cluster.paragraph':
    'N processus lancés par node:cluster partagent un même port d’écoute ; le processus principal confie chaque ' +
    'nouvelle connexion à l’un d’eux, à tour de rôle. Chaque processus est un serveur à boucle d’événements complet : ' +
    'les attentes se chevauchent dans chacun, et le calcul se répartit sur les cœurs. Chaque processus garde sa ' +
    'propre copie du programme et des données : la mémoire croît avec N. Un processus qui meurt est remplacé. Sur une ' +
    'machine de peu de cœurs, partagés avec le générateur de charge, N processus plus le client sont trop nombreux : ' +
    'ils se relaient sur les cœurs, et le gain sur la boucle d’événements reste inférieur à N.',
  'model.thread-per-request.summary': 'le thread principal accepte ; un nouveau worker thread pour chaque requête, arrêté ensuite',
  'model.thread-per-request.paragraph':
    'Le thread principal accepte les connexions et lance un nouveau worker thread pour chaque requête ; ce thread ' +
    'charge l’application, exécute la requête avec des attentes bloquantes, répond et se termine. Il fait le même ' +
    'travail qu’un thread du pool, plus la naissance d’un thread à chaque fois : une nouvelle instance du moteur ' +
    'JavaScript, les modules chargés à nouveau, de quelques millisecondes à quelques dizaines de millisecondes avant ' +
    'tout travail. À côté du worker-pool, qui garde ses threads, c’est le prix à payer pour ne pas les réutiliser : ' +
    'les petites réponses sont bien plus lentes, les longues requêtes s’en aperçoivent à peine. Au plus N threads ' +
    'vivent à la fois (--threads, deux fois le nombre de cœurs par défaut) ; les requêtes suivantes attendent leur ' +
    'tour. Les threads ne partagent rien : une requête d’API analyse de nouveau les données CSV.',
  'model.process-per-request.summary': 'le processus principal accepte ; un nouveau processus pour chaque requête (CGI), arrêté ensuite',
  'model.process-per-request.paragraph':
    'Le processus principal accepte les connexions et lance un nouveau processus Node.js pour chaque requête, comme ' +
    'un serveur CGI lance un programme, ou une plateforme serverless une fonction à froid ; le processus charge ' +
    'l’application, exécute son unique requête, répond et se termine. Chaque requête paie un démarrage à froid de ' +
    'quelques dizaines de millisecondes et de quelques dizaines de mégaoctets avant tout travail : même la plus petite ' +
    'réponse prend bien plus de temps que sur la boucle d’événements, et le débit est borné par la vitesse à laquelle ' +
    'la machine sait lancer des processus. Au plus N processus vivent à la fois (--processes, le nombre de cœurs par ' +
    'défaut) ; les requêtes suivantes attendent leur tour. Rien n’est gardé d’une requête à l’autre : une requête ' +
    'd’API analyse de nouveau les données CSV, et les sessions locales ne comptent jamais au-delà de 1.',
  'model.fastify.summary': 'un seul thread ; le modèle à boucle d’événements, routé et servi par fastify',
  'model.fastify.paragraph':
    'Le modèle à boucle d’événements avec un framework au milieu : fastify achemine chaque requête vers l’application ' +
    'et écrit sa réponse, avec le même gestionnaire et les mêmes attentes non bloquantes. Seul change le code entre ' +
    'le socket et le gestionnaire : un routeur en arbre radix, des hooks et une sérialisation de la réponse, au lieu ' +
    'd’un adaptateur écrit à la main. Attendez-vous à un débit et une latence à quelques pour cent du modèle ' +
    'event-loop pour un vrai travail, et à une différence mesurable seulement sur les plus petites réponses, où le ' +
    'framework est l’essentiel de ce qui s’exécute.',
  'model.baseline.summary': 'référence seulement : un serveur node:http nu qui répond à / sans l’application',
  'model.baseline.paragraph':
    'Pas un modèle de l’application : un serveur node:http nu qui répond à chaque requête avec les octets du `/` de ' +
    'l’application. Il montre le plafond de Node.js sur cette machine, pour qu’on puisse lire en regard le coût de ' +
    'l’application et celui de chaque modèle.',
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
  'cal.method.median7': 'médiane de 7 passes de 50 000 itérations PBKDF2-SHA256 (itérations par ms)',
  'cal.method.measured': '90e centile de 15 passes de 50 000 itérations PBKDF2-SHA256 (itérations par ms) : la vitesse de la machine quand rien ne la ralentit',
  'cal.method.kept': 'reprise de la première mesure sur cette machine ({at}), pour qu’une requête cpu représente le même travail dans toutes les mesures faites ici ; --recalibrate la refait',
  'st.noTrial': 'aucun essai n’a abouti',
  'th.cause.uncertainDemands': 'demandes de service incertaines : un cas sur lequel repose la prédiction (1 client, ou un niveau d’où vient son CPU sous charge) était lui-même incertain ({why})',
  'th.cause.jitBatching':
    'JIT et traitement par lots : à 1 client, chaque requête paie des coûts que la charge répartit (le réveil du client et celui du serveur, un tour de boucle, du code pas encore optimisé), si bien que les demandes mesurées là surestiment ce que coûte une requête en charge',
  'th.cause.clientSaturation': 'saturation du client : le générateur de charge a occupé {cpu:pct} d’un cœur, c’est donc le client, et non le modèle, qui a imposé le rythme',
  'th.cause.clientLag': 'saturation du client : le client a pris du retard sur son propre calendrier, si bien que moins de requêtes sont parties que prévu',
  'th.cause.linkRate':
    'le débit du lien : au plus {rate} Mbit/s dans chaque sens (--netem-rate), une station que le modèle ignore ; les réponses font la queue pour passer sur le fil, dont le temps compte, pour la théorie, comme un délai que tous les clients peuvent passer en même temps',
  'th.cause.slowRamp':
    'des clients encore en train d’entrer : la fenêtre s’est ouverte avec des clients pas encore servis (le banc a cessé de les attendre), donc moins de clients ont été servis que le cas ne le dit',
  'th.cause.machineChanged': 'la machine a changé pendant la mesure : certains essais ont été pris pendant qu’elle était occupée ou plus lente',
  'th.cause.memory': 'mémoire : le serveur a grossi jusqu’à {rss} ({base} à 1 client), et le ramasse-miettes prend une part du processeur que le modèle ne compte pas',
  'th.cause.handOff':
    'coût des passages de relais : faire passer requêtes et réponses d’un thread ou d’un processus à l’autre coûte plus en charge qu’à 1 client (files d’attente, copies, réveils, changements de contexte)',
  'th.cause.contention': 'une contention que le modèle ignore : la pile réseau du noyau, les changements de contexte et les caches, partagés par le serveur et le client sur les mêmes cœurs',
  'th.cause.openClientLag': 'saturation du client : le client a pris du retard sur son propre calendrier, ce qui abaisse le débit qu’il a offert et s’ajoute à chaque latence',
  'th.cause.tooFewRequests': 'trop peu de requêtes : {requests:int} dans la fenêtre, le débit servi n’est donc qu’un compte approximatif',
  'th.cause.tooFewRequestsWindows': 'trop peu de requêtes : {requests:int} dans les fenêtres, le débit servi n’est donc qu’un compte approximatif',
  'th.cause.nearSaturation':
    'près de la saturation : la théorie place la capacité à {capacity:f1} req/s, tout près des {rate} offertes ; si près du plein, une petite erreur sur les demandes déplace beaucoup la file, et une fenêtre de quelques secondes n’atteint jamais de régime établi',
  'th.cause.slowSettle': 'une file longue à se stabiliser : une fenêtre de quelques secondes a vu plus d’attente que n’en donne la théorie',
  'th.cause.variableService':
    'les temps de service varient plus en charge qu’à 1 client (ramasse-miettes, ordonnanceur, autres connexions), et des services variables font des files plus longues',
  'th.cause.batching': 'les requêtes ont été servies par lots : en charge, un tour de boucle en sert plusieurs, si bien qu’une requête attend moins que ne le laisse penser la demande mesurée à 1 client',
  'th.check': '`{model}` à {where} : mesuré {measured} req/s, théorie {theory} ({error}) ; latence moyenne {latency} par rapport à la théorie',
  'th.offered': '{rate} req/s offertes',
  'th.station.client': 'client',
  'th.station.thread': 'thread',
  'th.station.threads': 'threads',
  'th.station.processes': 'processus',
  'th.station.eventLoop': 'boucle d’événements',
  'th.station.eventLoops': 'boucles d’événements',
  'th.station.wait': 'attente',
  'th.station.mainThread': 'thread principal',
  'th.station.poolThreads': 'threads du pool',
  'th.station.oneConnection': 'l’unique connexion',
  'th.station.ownThread': 'thread ou processus propre',
  'th.station.cores': 'cœurs',
  'th.station.clientConnections': 'les connexions du client',
  'th.station.none': 'aucun',
  'th.station.parallelPart': '{station} (partie parallèle)',
  'tx.where': 'sur `{workload}` à {clients}',
  'tx.served': '{where}, `{more}` a servi {ratio}× autant de {what} que `{less}` (95 % : {interval})',
  'tx.moreNotSurely': '{where}, `{more}` a servi plus que `{less}` (95 % : {interval}), mais pas à coup sûr des 5 % que le laboratoire appelle une différence',
  'tx.same': '{where}, `{a}` et `{b}` ne diffèrent pas de façon mesurable ({spread})',
  'tx.tooFewRounds': 'trop peu de tours pour le dire',
  'tx.rps': '{rps} req/s',
  'tx.rpsInterval': '{rps} req/s (95 % : {low}–{high})',
  'tx.transport.https': 'HTTPS (auto-signé)',
  'tx.transport.newConnection': 'une nouvelle connexion par requête',
  'tx.transport.keepAlive': 'keep-alive',
  'tx.transport.localSessions': 'sessions locales',
  'tx.transport.tls': 'HTTPS avec le certificat auto-signé du laboratoire (--tls) : chaque nouvelle connexion paie une poignée de main TLS, sur le processeur du serveur aussi',
  'tx.transport.plain': 'HTTP simple',
  'tx.transport.everyNew': 'chaque requête sur une nouvelle connexion (--new-connections) : sa latence comprend l’ouverture de la connexion',
  'tx.transport.everyNewTls': 'chaque requête sur une nouvelle connexion (--new-connections) : sa latence comprend l’ouverture de la connexion et la poignée de main',
  'tx.transport.reused': 'keep-alive : chaque client ouvre sa connexion une fois et la réutilise',
  'tx.transport.reusedTls': 'keep-alive : chaque client ouvre sa connexion une fois et la réutilise, si bien qu’une seule poignée de main est amortie sur toutes ses requêtes',
  'tx.transport.sessionsLocal': 'sessions locales (--sessions local) : chaque processus ou thread compte /visits dans sa propre table',
  'tx.transport.sessionsShared': 'sessions partagées : un seul compte de /visits par serveur',
  'tx.transport.sentence': '{scheme} ; {connections} ; {sessions}.',
  'tx.link.delay': '{delay} ms dans chaque sens',
  'tx.link.rate': '{rate} Mbit/s dans chaque sens',
  'tx.link.both': '{delay} ms et {rate} Mbit/s dans chaque sens',
  'tx.lost': '{lost:int} sur {answers:int} réponses',
  'tx.lostShare': '{lost:int} sur {answers:int} réponses ({share:pct})',
  'tx.sum.failed': 'ÉCHEC',
  'tx.sum.offered': 'offre de {rate} {unit}',
  'tx.sum.openHeading': '{workload}, boucle ouverte — débit obtenu en {unit} · p50 · p99 depuis les instants d’envoi prévus',
  'tx.sum.demandsOnly': 'boucle fermée : ce dont une requête a besoin, pour les prédictions',
  'tx.sum.lostUpdates': 'mises à jour perdues (un compte de visites qui n’était pas le précédent du client + 1 ; --sessions {sessions}) :',
  'tx.sum.ranking': '{clients} : {ranking}',
  'tx.sum.failedCase': 'ÉCHEC {model} · {workload} · {where} : {error}',
  'tx.sum.marked': 'Cas dont des essais ont été pris pendant que la machine était occupée ou plus lente : {n} ; {how} (voir les essais marqués sur la page).',
  'tx.sum.retriedAll': 'ces essais ont été refaits',
  'tx.sum.retriedNone': 'le budget de temps ou --max-trials ne laissait pas de place pour les refaire',
  'tx.sum.retriedSome': 'les essais ont été refaits pour {retried} d’entre eux, le budget de temps ou --max-trials ne laissait pas de place pour les autres',
  // Ce qu’une panne a fait (reports/text/faults.ts)
  'tx.sum.faults': 'Pannes (--fault) : une panne est une expérience, pas un échec ; les chiffres ci-dessus comprennent ce qu’elle a fait',
  'fault.kind.kill': 'le kill à {at} s',
  'fault.kind.stall': 'l’arrêt de {arg} ms à {at} s',
  'fault.kind.slowloris': '{arg} connexions lentes (slowloris) à {at} s',
  'fault.kind.cpu-hog': 'un cpu-hog de {arg} s à {at} s',
  'fault.lost.none': 'aucune requête',
  'fault.lost.one': '{n} requête',
  'fault.lost.many': '{n} requêtes',
  'fault.recovered': '{model} ({where}) a perdu {lost} après {fault} et s’est rétabli en {seconds}',
  'fault.notRecovered': '{model} ({where}) a perdu {lost} après {fault} et ne s’est pas rétabli{why}',
  'fault.lostAll': '{model} ({where}) a perdu toutes les requêtes après {fault} ({lost} tentatives en échec) et ne s’est pas rétabli{why}',
  'fault.kept': '{model} ({where}) a gardé son débit malgré {fault} et a perdu {lost}',
  'fault.why.gone': ' : rien ne le redémarre',
  'fault.timeouts.one': ' ; l’une d’elles a attendu que le client abandonne (son délai)',
  'fault.timeouts.many': ' ; {n} d’entre elles ont attendu que le client abandonne (son délai)',
  'fault.some': ' ({recovered} essais sur {trials} rétablis)',
  'fault.failed': '{model} ({where}) : {fault} n’a pas pu être faite ({error})',
  'fault.unseen': '{model} ({where}) a perdu {lost} après {fault} ; la fenêtre s’est terminée trop tôt après pour voir un rétablissement',
  'fault.never': '{model} ({where}) : {fault} n’a jamais eu lieu (les essais ont fini avant)',
};
