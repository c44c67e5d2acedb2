package io.raftactors.kv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.ReadConsistency;
import io.raftactors.testkit.Nemesis;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.TestClusters;
import io.raftactors.testkit.lin.History;
import io.raftactors.testkit.lin.KvMapModel;
import io.raftactors.testkit.lin.LinearizabilityChecker;
import io.raftactors.testkit.lin.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Multi-key transactions under faults: clients read keys and run compare-then-put transactions
 * over two keys at a time (etcd style, through {@link KvClient#txn}); the whole history is
 * checked against one map (transactions span keys, so it is one partition).
 */
@ExtendWith(RaftClusterExtension.class)
class KvTxnChaosTest {
  static final List<String> KEYS = List.of("t0", "t1", "t2");

  @Test
  void transactionsUnderFaultsAreLinearizable(TestClusters clusters) throws Exception {
    KvCluster c = KvCluster.start(clusters, 5, b -> b);
    c.raft.awaitLeader(Duration.ofSeconds(5));
    long seed = c.raft.seed() * 17 + 3;
    System.out.println("txn chaos: nemesis seed " + seed);
    History history = new History();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    List<KvClient> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      KvClient kv = c.client();
      clients.add(kv);
      int client = i;
      SplittableRandom random = new SplittableRandom(seed + i);
      threads.add(new Thread(() -> {
        long n = 0;
        Map<String, String> seen = new HashMap<>();
        while (!stop.get()) {
          n++;
          String a = KEYS.get(random.nextInt(KEYS.size()));
          if (random.nextInt(3) == 0) {
            ChaosWorkload.record(history.invoke(client, null, new KvMapModel.Get(a)),
                kv.get(Bytes.of(a), ReadConsistency.LINEARIZABLE), v -> {
                  String value = v.map(x -> x.value().utf8()).orElse(null);
                  seen.put(a, value);
                  return value;
                });
          } else {
            String b = KEYS.get((KEYS.indexOf(a) + 1 + random.nextInt(KEYS.size() - 1)) % KEYS.size());
            Map<String, String> expect = new LinkedHashMap<>();
            expect.put(a, seen.get(a)); // what this client last saw (null: absent)
            String value = client + "-" + n;
            Map<String, String> puts = Map.of(a, value, b, value);
            Compare cmp = seen.get(a) == null
                ? Compare.version(Bytes.of(a), Compare.Relation.EQUAL, 0)
                : Compare.value(Bytes.of(a), Compare.Relation.EQUAL, Bytes.of(seen.get(a)));
            KvWrite.Txn txn = new KvWrite.Txn(List.of(cmp),
                List.of(KvWrite.Put.of(Bytes.of(a), Bytes.of(value)), KvWrite.Put.of(Bytes.of(b), Bytes.of(value))),
                List.of());
            ChaosWorkload.record(history.invoke(client, null, new KvMapModel.Txn(expect, puts)), kv.txn(txn), r -> {
              if (r.succeeded()) {
                seen.put(a, value);
                seen.put(b, value);
              }
              return r.succeeded();
            });
          }
          java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
      }));
    }
    Nemesis nemesis = new Nemesis(c.raft, seed, Nemesis.all(), Duration.ofMillis(700), Duration.ofMillis(400));
    threads.forEach(Thread::start);
    nemesis.start();
    Thread.sleep(6000); // the run's length, faults included
    nemesis.close();
    stop.set(true);
    for (Thread t : threads) t.join(60_000);
    clients.forEach(KvClient::close);
    List<Operation> ops = history.operations();
    System.out.println("txn chaos: " + ops.size() + " operations");
    assertTrue(ops.size() > 100, "only " + ops.size() + " operations");
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(new KvMapModel(), ops, TimeUnit.SECONDS.toNanos(60));
    assertTrue(r.linearizable(), r.explain() + "\nseed " + seed + "\n" + String.join("\n", nemesis.log()));
  }
}
