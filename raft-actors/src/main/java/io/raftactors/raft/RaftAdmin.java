package io.raftactors.raft;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Cluster administration from Java: membership changes and leadership transfer, sent to any of
 * the given members (each forwards to its leader), as an operator would make them: a change is
 * retried while the cluster is busy (no leader yet, another change in progress, a learner still
 * catching up) or its answer was lost, and is done once the configuration in force, committed,
 * shows it. A change stops being retried once the timeout has passed (the attempt under way may
 * add a few seconds per member asked) and then fails with an {@link AdminException} that says
 * why; a transfer or status query asks each member once, at most 5 seconds each.
 *
 * <pre>{@code
 * RaftAdmin admin = RaftAdmin.of(system, List.of(n1Raft, n2Raft, n3Raft), Duration.ofSeconds(30));
 * admin.addVoter("n4", "10.0.0.4:2551")      // learner, caught up, then voter
 *      .thenCompose(x -> admin.remove("n1"))
 *      .thenCompose(x -> admin.transferLeadership("n4"));
 * }</pre>
 *
 * @param <T> the protocol of the targets: {@link RaftNode.Command} for RaftNode actors, or a
 *     service's own protocol that forwards these commands to its RaftNode (e.g. the KV store's)
 */
public final class RaftAdmin<T> {
  /** A change or transfer that was refused, or did not finish in time. */
  public static final class AdminException extends RuntimeException {
    private final RejectReason reason;

    public AdminException(RejectReason reason, String message) {
      super(message);
      this.reason = reason;
    }

    /** Why (INVALID: do not retry as is; others: it may succeed later); null on a timeout. */
    public RejectReason reason() {
      return reason;
    }
  }

  private static final long RETRY_MILLIS = 100;

  private final ActorSystem<?> system;
  private final List<ActorRef<T>> targets;
  private final Function<RaftNode.Command, T> wrap;
  private final Duration timeout;
  private final Duration attemptTimeout;

  private RaftAdmin(ActorSystem<?> system, List<ActorRef<T>> targets, Function<RaftNode.Command, T> wrap,
      Duration timeout) {
    if (targets.isEmpty()) throw new IllegalArgumentException("no members to ask");
    this.system = system;
    this.targets = List.copyOf(targets);
    this.wrap = wrap;
    this.timeout = timeout;
    this.attemptTimeout = Duration.ofSeconds(5).compareTo(timeout) < 0 ? Duration.ofSeconds(5) : timeout;
  }

  /** Administers the cluster of these RaftNode actors. */
  public static RaftAdmin<RaftNode.Command> of(ActorSystem<?> system, List<ActorRef<RaftNode.Command>> members,
      Duration timeout) {
    return new RaftAdmin<>(system, members, c -> c, timeout);
  }

  /** Administers a cluster through actors that hand {@code wrap}ped commands to their RaftNode. */
  public static <T> RaftAdmin<T> through(ActorSystem<?> system, List<ActorRef<T>> members,
      Function<RaftNode.Command, T> wrap, Duration timeout) {
    return new RaftAdmin<>(system, members, wrap, timeout);
  }

  /** Adds {@code nodeId}, reached at {@code address} (null if the peers need none), as a learner. */
  public CompletionStage<Void> addLearner(String nodeId, String address) {
    return change(ChangeMembership.Kind.ADD_LEARNER, nodeId, address,
        s -> s.learners().contains(nodeId) || s.members().contains(nodeId));
  }

  /** Makes learner {@code nodeId} a voter, once it is within {@code raft.membership.promote-max-lag}. */
  public CompletionStage<Void> promote(String nodeId) {
    return change(ChangeMembership.Kind.PROMOTE, nodeId, null, s -> s.members().contains(nodeId));
  }

  /** Adds {@code nodeId} as a learner, then promotes it once it has caught up. */
  public CompletionStage<Void> addVoter(String nodeId, String address) {
    return addLearner(nodeId, address).thenCompose(x -> promote(nodeId));
  }

  /** Removes member {@code nodeId} (voter or learner; the leader too, which then steps down). */
  public CompletionStage<Void> remove(String nodeId) {
    return change(ChangeMembership.Kind.REMOVE, nodeId, null,
        s -> !s.members().contains(nodeId) && !s.learners().contains(nodeId));
  }

  /** Hands leadership to voter {@code target} (null: the most up-to-date voter). One attempt per member asked. */
  public CompletionStage<TransferResult> transferLeadership(String target) {
    return this.<TransferResult>firstAnswer(0, r -> new TransferLeadership(target, r));
  }

  /** The status of the first member that answers. */
  public CompletionStage<NodeStatus> status() {
    return this.<NodeStatus>firstAnswer(0, GetStatus::new);
  }

  // ---- internals ---------------------------------------------------------------------------

  private CompletionStage<Void> change(ChangeMembership.Kind kind, String nodeId, String address,
      Predicate<NodeStatus> done) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    attempt(kind, nodeId, address, done, System.nanoTime() + timeout.toNanos(), null, 0, result);
    return result;
  }

  /** Refusals as INVALID asked again, without a leader's view to tell whether it is done already. */
  private static final int INVALID_RETRIES = 3;

  private void attempt(ChangeMembership.Kind kind, String nodeId, String address, Predicate<NodeStatus> done,
      long deadline, String last, int invalid, CompletableFuture<Void> result) {
    if (System.nanoTime() - deadline > 0) {
      result.completeExceptionally(new AdminException(null,
          kind + " " + nodeId + " not done within " + timeout + (last == null ? "" : ": " + last)));
      return;
    }
    this.<ProposeResult>firstAnswer(0, r -> new ChangeMembership(kind, nodeId, address, r))
        .whenComplete((answer, error) -> {
          if (answer instanceof ProposeResult.Applied) {
            result.complete(null);
          } else if (answer instanceof ProposeResult.Rejected r && r.reason() == RejectReason.INVALID) {
            // Perhaps an earlier attempt whose answer was lost made the change: then it is done.
            // Without a leader's committed view to tell, ask again (within the deadline).
            anyLeader(0).whenComplete((s, e) -> {
              if (s != null && done.test(s)) {
                result.complete(null);
              } else if (s != null || invalid + 1 >= INVALID_RETRIES) {
                result.completeExceptionally(new AdminException(RejectReason.INVALID, r.message()));
              } else {
                CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS).execute(() ->
                    attempt(kind, nodeId, address, done, deadline, r.message(), invalid + 1, result));
              }
            });
          } else {
            String why = answer instanceof ProposeResult.Rejected r ? r.message()
                : answer instanceof ProposeResult.Unknown u ? u.message() : String.valueOf(error);
            anyLeader(0).whenComplete((s, e) -> {
              if (s != null && done.test(s)) {
                result.complete(null);
              } else {
                CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS).execute(() ->
                    attempt(kind, nodeId, address, done, deadline, why, invalid, result));
              }
            });
          }
        });
  }

  /**
   * The status of the first of the members asked, from the {@code i}th on, that leads and has
   * committed its configuration; else null.
   */
  private CompletionStage<NodeStatus> anyLeader(int i) {
    if (i >= targets.size()) return CompletableFuture.completedFuture(null);
    return Asks.<T, NodeStatus>ask(targets.get(i), attemptTimeout, system.scheduler(), r -> wrap.apply(new GetStatus(r)))
        .handle((s, e) -> s)
        .thenCompose(s -> s != null && s.role() == Role.LEADER && s.commitIndex() >= s.configIndex()
            ? CompletableFuture.completedFuture(s) : anyLeader(i + 1));
  }

  /** Asks the members in turn until one answers. */
  private <R> CompletionStage<R> firstAnswer(int i,
      akka.japi.function.Function<ActorRef<R>, RaftNode.Command> request) {
    CompletionStage<R> ask = Asks.<T, R>ask(targets.get(i), attemptTimeout, system.scheduler(),
        r -> wrap.apply(request.apply(r)));
    if (i + 1 >= targets.size()) return ask;
    return ask.handle((answer, error) -> answer)
        .thenCompose(answer -> answer != null ? CompletableFuture.completedFuture(answer)
            : firstAnswer(i + 1, request));
  }
}
