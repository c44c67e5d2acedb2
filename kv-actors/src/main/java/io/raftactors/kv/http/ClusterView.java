package io.raftactors.kv.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResponse;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.MetricsReport;
import io.raftactors.raft.Asks;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.ReadConsistency;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Gathers what the dashboard shows of every member: each {@code update-interval}, while someone
 * watches, it asks every member's replica (in this JVM or over Artery) for its Raft status, its
 * key count (a stale read: that member's own state) and its metrics, and turns the answers into
 * one JSON document ({@link DashboardJson}). A member that did not answer its last status query
 * shows as down.
 */
final class ClusterView {
  /** A dashboard that was read within this long keeps the members being asked. */
  static final long WATCH_MILLIS = 5_000;

  private sealed interface Msg {}

  private enum Tick implements Msg {
    INSTANCE
  }

  /** Answers carry the round that asked: a late answer (a timeout) never overrides a newer one. */
  private record StatusAnswer(String id, long round, NodeStatus status) implements Msg {}

  private record KeysAnswer(String id, long round, Long keys) implements Msg {}

  private record MetricsAnswer(String id, long round, MetricsReport report) implements Msg {}

  /** What is known of one member. */
  static final class Member {
    /** The round of the newest status answer applied. */
    long statusRound;
    long keysRound;
    long metricsRound;
    NodeStatus status;
    boolean up;
    Long keys;
    MetricsReport metrics;
    long metricsAtNanos;
    MetricsReport previousMetrics;
    long previousAtNanos;
  }

  private final AtomicReference<String> latest = new AtomicReference<>();
  /** When a dashboard last read the view (0: never): the members are asked only while it is recent. */
  private final AtomicLong lastWatched = new AtomicLong();

  /** The newest view, as JSON; null before the first round. Counts as watching. */
  String latest() {
    lastWatched.set(System.currentTimeMillis());
    return latest.get();
  }

  Behavior<Object> behavior(String self, List<String> initialMembers, Function<String, ActorRef<KvCommand>> replicas,
      HttpSettings settings, LeaderHistory history, DemoControl demo) {
    // Outside setup: a restart (below) begins setup again, and the answers still on their way
    // carry rounds counted here; a counter starting over would take them for the newest.
    long[] round = {0};
    Behavior<Msg> view = Behaviors.<Msg>setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.updateInterval());
      Map<String, Member> members = new LinkedHashMap<>();
      initialMembers.forEach(m -> members.put(m, new Member()));
      boolean[] idle = {true};
      return Behaviors.receive(Msg.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            if (System.currentTimeMillis() - lastWatched.get() > WATCH_MILLIS) {
              if (!idle[0]) { // what was gathered is getting old: start afresh when watched again
                idle[0] = true;
                latest.set(null);
                members.replaceAll((id, m) -> new Member());
              }
              return Behaviors.same();
            }
            List<String> current = current(members, initialMembers);
            if (!idle[0]) {
              Leader leader = leader(current, members);
              if (leader.id() != null) history.observeCluster(leader.term(), leader.id(), System.currentTimeMillis());
              latest.set(DashboardJson.render(self, current, members, leader, history, demo));
            }
            idle[0] = false;
            round[0]++;
            for (String id : current) ask(ctx, id, round[0], replicas.apply(id), settings);
            return Behaviors.same();
          })
          .onMessage(StatusAnswer.class, a -> {
            Member m = members.computeIfAbsent(a.id(), x -> new Member());
            if (a.round() < m.statusRound) return Behaviors.same();
            m.statusRound = a.round();
            m.up = a.status() != null;
            if (a.status() != null) m.status = a.status();
            return Behaviors.same();
          })
          .onMessage(KeysAnswer.class, a -> {
            Member m = members.computeIfAbsent(a.id(), x -> new Member());
            if (a.keys() != null && a.round() >= m.keysRound) {
              m.keysRound = a.round();
              m.keys = a.keys();
            }
            return Behaviors.same();
          })
          .onMessage(MetricsAnswer.class, a -> {
            Member m = members.computeIfAbsent(a.id(), x -> new Member());
            if (a.report() == null || a.round() < m.metricsRound) return Behaviors.same();
            m.metricsRound = a.round();
            m.previousMetrics = m.metrics;
            m.previousAtNanos = m.metricsAtNanos;
            m.metrics = a.report();
            m.metricsAtNanos = System.nanoTime();
            return Behaviors.same();
          })
          .build();
    }));
    // A bug in rendering must not freeze every open dashboard on its last view.
    return Behaviors.supervise(view).onFailure(akka.actor.typed.SupervisorStrategy.restartWithBackoff(
        java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30), 0.2)).unsafeCast();
  }

  /** The leader the up members agree on: the one of the highest term (id null: none). */
  record Leader(String id, long term) {}

  static Leader leader(List<String> shown, Map<String, Member> members) {
    String id = null;
    long term = 0;
    for (String m : shown) {
      Member member = members.get(m);
      NodeStatus s = member.status;
      if (member.up && s != null && s.role() == io.raftactors.raft.Role.LEADER && s.term() >= term) {
        id = m;
        term = s.term();
      }
    }
    return new Leader(id, term);
  }

  /**
   * The members of the configuration in force, as the best placed member reports it: an up
   * leader, else the up member with the newest configuration, else any member's newest (a down
   * member's last word may be an uncommitted change); with no report yet, every member known so
   * far. A removed member leaves the view, an added one joins it.
   */
  static List<String> current(Map<String, Member> members, List<String> initial) {
    NodeStatus best = null;
    int bestRank = -1;
    for (Member m : members.values()) {
      if (m.status == null) continue;
      int rank = !m.up ? 0 : m.status.role() == io.raftactors.raft.Role.LEADER ? 2 : 1;
      if (rank > bestRank || (rank == bestRank && m.status.configIndex() > best.configIndex())) {
        best = m.status;
        bestRank = rank;
      }
    }
    if (best == null) {
      Set<String> known = new LinkedHashSet<>(initial);
      known.addAll(members.keySet());
      return List.copyOf(known);
    }
    Set<String> ids = new LinkedHashSet<>(best.members());
    ids.addAll(best.learners());
    ids.forEach(id -> members.computeIfAbsent(id, x -> new Member()));
    return List.copyOf(ids);
  }

  private static void ask(ActorContext<Msg> ctx, String id, long round, ActorRef<KvCommand> replica,
      HttpSettings settings) {
    if (replica == null) {
      ctx.getSelf().tell(new StatusAnswer(id, round, null));
      return;
    }
    Asks.<KvCommand, NodeStatus, Msg>askAndPipe(ctx, replica, settings.memberTimeout(),
        r -> KvCommand.Admin.of(new GetStatus(r)), (s, e) -> new StatusAnswer(id, round, e == null ? s : null));
    Asks.<KvCommand, KvResponse, Msg>askAndPipe(ctx, replica, settings.memberTimeout(),
        r -> KvCommand.query(new KvQuery.Count(), ReadConsistency.STALE, r),
        (r, e) -> new KeysAnswer(id, round, e == null && r instanceof KvResponse.Done d
            && d.decoded() instanceof KvResult.CountResult c ? c.keys() : null));
    Asks.<KvCommand, MetricsReport, Msg>askAndPipe(ctx, replica, settings.memberTimeout(),
        KvCommand.GetMetrics::new, (r, e) -> new MetricsAnswer(id, round, e == null ? r : null));
  }
}
