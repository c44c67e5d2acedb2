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

  private record StatusAnswer(String id, NodeStatus status) implements Msg {}

  private record KeysAnswer(String id, Long keys) implements Msg {}

  private record MetricsAnswer(String id, MetricsReport report) implements Msg {}

  /** What is known of one member. */
  static final class Member {
    NodeStatus status;
    boolean up;
    Long keys;
    MetricsReport metrics;
    long metricsAtNanos;
    MetricsReport previousMetrics;
    long previousAtNanos;
  }

  private final AtomicReference<String> latest = new AtomicReference<>();
  private final AtomicLong lastWatched = new AtomicLong(System.currentTimeMillis());

  /** The newest view, as JSON; null before the first round. Counts as watching. */
  String latest() {
    lastWatched.set(System.currentTimeMillis());
    return latest.get();
  }

  Behavior<Object> behavior(String self, List<String> initialMembers, Function<String, ActorRef<KvCommand>> replicas,
      HttpSettings settings, LeaderHistory history, DemoControl demo) {
    return Behaviors.<Msg>setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.updateInterval());
      Map<String, Member> members = new LinkedHashMap<>();
      initialMembers.forEach(m -> members.put(m, new Member()));
      return Behaviors.receive(Msg.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            if (System.currentTimeMillis() - lastWatched.get() > WATCH_MILLIS) return Behaviors.same();
            latest.set(DashboardJson.render(self, members, history, demo));
            for (String id : known(members)) ask(ctx, id, replicas.apply(id), settings);
            return Behaviors.same();
          })
          .onMessage(StatusAnswer.class, a -> {
            Member m = members.computeIfAbsent(a.id(), x -> new Member());
            m.up = a.status() != null;
            if (a.status() != null) m.status = a.status();
            return Behaviors.same();
          })
          .onMessage(KeysAnswer.class, a -> {
            if (a.keys() != null) members.computeIfAbsent(a.id(), x -> new Member()).keys = a.keys();
            return Behaviors.same();
          })
          .onMessage(MetricsAnswer.class, a -> {
            if (a.report() == null) return Behaviors.same();
            Member m = members.computeIfAbsent(a.id(), x -> new Member());
            m.previousMetrics = m.metrics;
            m.previousAtNanos = m.metricsAtNanos;
            m.metrics = a.report();
            m.metricsAtNanos = System.nanoTime();
            return Behaviors.same();
          })
          .build();
    })).unsafeCast();
  }

  /** The members to ask: those configured, and any the members' own configurations name. */
  private static Set<String> known(Map<String, Member> members) {
    Set<String> ids = new LinkedHashSet<>(members.keySet());
    for (Member m : members.values()) {
      if (m.status == null) continue;
      ids.addAll(m.status.members());
      ids.addAll(m.status.learners());
    }
    ids.forEach(id -> members.computeIfAbsent(id, x -> new Member()));
    return ids;
  }

  private static void ask(ActorContext<Msg> ctx, String id, ActorRef<KvCommand> replica, HttpSettings settings) {
    if (replica == null) {
      ctx.getSelf().tell(new StatusAnswer(id, null));
      return;
    }
    Asks.<KvCommand, NodeStatus, Msg>askAndPipe(ctx, replica, settings.memberTimeout(),
        r -> KvCommand.Admin.of(new GetStatus(r)), (s, e) -> new StatusAnswer(id, e == null ? s : null));
    Asks.<KvCommand, KvResponse, Msg>askAndPipe(ctx, replica, settings.memberTimeout(),
        r -> KvCommand.query(new KvQuery.Count(), ReadConsistency.STALE, r),
        (r, e) -> new KeysAnswer(id, e == null && r instanceof KvResponse.Done d
            && d.decoded() instanceof KvResult.CountResult c ? c.keys() : null));
    Asks.<KvCommand, MetricsReport, Msg>askAndPipe(ctx, replica, settings.memberTimeout(),
        KvCommand.GetMetrics::new, (r, e) -> new MetricsAnswer(id, e == null ? r : null));
  }
}
