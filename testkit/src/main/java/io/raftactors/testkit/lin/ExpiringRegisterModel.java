package io.raftactors.testkit.lin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A register per key whose values can expire: values written with a time to live, or attached to
 * a lease (grant, keep-alive, revoke; a lease is used with one key only, so that keys stay
 * independent partitions). Expiry is an event the system decides; the model allows it at any
 * point at or after the earliest moment it may happen, and never before: a value written with
 * TTL {@code t} by an operation invoked at {@code i} may vanish only for operations completing
 * after {@code i + t}; a lease is extended to at least {@code k + ttl} by a keep-alive invoked at
 * {@code k} that took effect. So the checker catches a value or lease that expires early (a new
 * leader's reset, a replica's clock) as well as ordinary stale or lost writes. Late expiry is
 * allowed here (expiry is a replicated command that needs a leader); check that expired values do
 * go away separately.
 *
 * <p>Times are those of the history (nanoseconds of {@link System#nanoTime}); the system under
 * test stamps expiry on its own clocks, so give a slack for the difference.
 *
 * <p>Expiry makes the model nondeterministic (did it expire before this operation or not?); the
 * state is the set of possible states, as Porcupine's power-set models do. Expiry is decided
 * lazily, by the first operation whose answer depends on it, which is exact: an expiry nobody
 * observed can be moved to just before the first operation that does.
 */
public final class ExpiringRegisterModel implements Model<Set<ExpiringRegisterModel.State>> {
  /** Answers the value, or null when absent. */
  public record Get() {
    @Override
    public String toString() {
      return "get";
    }
  }

  /** Writes {@code value}, expiring after {@code ttlMillis} (0: never). Any answer. */
  public record Put(String value, long ttlMillis) {
    @Override
    public String toString() {
      return "put " + value + (ttlMillis > 0 ? " ttl " + ttlMillis + "ms" : "");
    }
  }

  /** SET NX with a TTL: answers true if the key was absent (or expired) and now holds the value. */
  public record PutIfAbsent(String value, long ttlMillis) {
    @Override
    public String toString() {
      return "setnx " + value + (ttlMillis > 0 ? " ttl " + ttlMillis + "ms" : "");
    }
  }

  /** Answers true if the key existed. */
  public record Delete() {
    @Override
    public String toString() {
      return "delete";
    }
  }

  /** Grants a lease: answers its id (a {@code Long}). */
  public record Grant(long ttlMillis) {
    @Override
    public String toString() {
      return "grant " + ttlMillis + "ms";
    }
  }

  /** Writes {@code value} attached to {@code lease}: answers true, or false if the lease is gone. */
  public record PutWithLease(String value, long lease) {
    @Override
    public String toString() {
      return "put " + value + " lease " + lease;
    }
  }

  /** Answers true if the lease was alive (and is extended), false if it is gone. */
  public record KeepAlive(long lease) {
    @Override
    public String toString() {
      return "keepalive " + lease;
    }
  }

  /** Ends the lease, deleting its key: answers how many keys it deleted, or -1 if it was gone. */
  public record Revoke(long lease) {
    @Override
    public String toString() {
      return "revoke " + lease;
    }
  }

  /**
   * One possible state of the key.
   *
   * @param value null when absent
   * @param lease the lease the value is attached to, 0 for none
   * @param notBefore the earliest time the value may expire ({@link Long#MAX_VALUE}: never)
   * @param leases the leases that may be alive and are used by a later operation: id → lease
   * @param floor the latest "not before" of the expiries this order has used: an expiry is an
   *     event at some real time, so every operation ordered after it must complete after that
   */
  public record State(String value, long lease, long notBefore, Map<Long, Lease> leases, long floor) {
    State with(String value, long lease, long notBefore) {
      return new State(value, lease, notBefore, leases, floor);
    }

    State withLeases(Map<Long, Lease> leases) {
      return new State(value, lease, notBefore, Map.copyOf(leases), floor);
    }

    /** This state after an expiry event that happens no earlier than {@code at}. */
    State after(long at) {
      return new State(value, lease, notBefore, leases, Math.max(floor, at));
    }
  }

  /** A lease as the model knows it: its TTL and the earliest time it may expire. */
  public record Lease(long ttlNanos, long notBefore) {}

  /** An operation's input with its times and the leases no later operation uses. */
  record Timed(Object input, long invoked, long completed, Set<Long> lastUse) {
    @Override
    public String toString() {
      return input.toString();
    }
  }

  private static final long NEVER = Long.MAX_VALUE;
  private static final State ABSENT = new State(null, 0, NEVER, Map.of(), 0);

  private final long slackNanos;

  /** @param slackMillis how much earlier than the history's clock says the system may expire */
  public ExpiringRegisterModel(long slackMillis) {
    this.slackNanos = slackMillis * 1_000_000;
  }

  @Override
  public Set<State> init() {
    return Set.of(ABSENT);
  }

  /**
   * Gives each operation its times and the leases it is certainly the last to use: the latest
   * invoked operation on a lease, if every other one on it returned before that was invoked
   * (then no order can put one of them after it). Other leases are kept to the end.
   */
  @Override
  public List<Operation> prepare(List<Operation> ops) {
    Map<Long, List<Operation>> byLease = new HashMap<>();
    for (Operation op : ops) {
      Long lease = leaseOf(op);
      if (lease != null) byLease.computeIfAbsent(lease, l -> new ArrayList<>()).add(op);
    }
    Map<Integer, Set<Long>> lastUse = new HashMap<>();
    for (Map.Entry<Long, List<Operation>> e : byLease.entrySet()) {
      Operation latest = e.getValue().stream().max(java.util.Comparator.comparingLong(Operation::invoked)).orElseThrow();
      boolean certainlyLast = e.getValue().stream()
          .allMatch(o -> o == latest || o.completed() < latest.invoked());
      if (certainlyLast) lastUse.computeIfAbsent(latest.id(), id -> new HashSet<>()).add(e.getKey());
    }
    List<Operation> out = new ArrayList<>(ops.size());
    for (Operation op : ops) {
      out.add(new Operation(op.id(), op.client(), op.key(),
          new Timed(op.input(), op.invoked(), op.completed(), Set.copyOf(lastUse.getOrDefault(op.id(), Set.of()))),
          op.output(), op.invoked(), op.completed()));
    }
    return out;
  }

  /** A read that returned a value only narrows the possible states (it cannot expire anything). */
  @Override
  public boolean readOnly(Object input, Object output) {
    return input instanceof Timed t && t.input() instanceof Get && output != null && output != Operation.UNKNOWN;
  }

  private static Long leaseOf(Operation op) {
    if (op.input() instanceof Grant) return op.output() instanceof Long id ? id : null;
    return referencedLease(op.input());
  }

  @Override
  public Set<State> step(Set<State> states, Object input, Object output) {
    if (!(input instanceof Timed t)) throw new IllegalArgumentException("not prepared: " + input);
    Set<State> next = new HashSet<>();
    for (State s : states) {
      for (State before : expiries(s, t)) {
        if (t.completed() < before.floor()) continue; // it returned before an expiry ordered ahead of it
        State after = apply(before, t, output);
        if (after != null) next.add(forget(after, t.lastUse()));
      }
    }
    return next.isEmpty() ? null : Set.copyOf(next);
  }

  /** {@code s}, and what it may have become by expiries this operation can observe. */
  private List<State> expiries(State s, Timed t) {
    List<State> out = new ArrayList<>(4);
    out.add(s);
    if (s.value() != null && s.notBefore() != NEVER && t.completed() >= s.notBefore()) {
      out.add(expireValue(s).after(s.notBefore()));
    }
    Long lease = referencedLease(t.input());
    if (lease != null) {
      for (State x : List.copyOf(out)) {
        Lease l = x.leases().get(lease);
        if (l != null && t.completed() >= l.notBefore()) out.add(expireLease(x, lease).after(l.notBefore()));
      }
    }
    return out;
  }

  private static Long referencedLease(Object in) {
    if (in instanceof PutWithLease p) return p.lease();
    if (in instanceof KeepAlive k) return k.lease();
    if (in instanceof Revoke r) return r.lease();
    return null;
  }

  private static State expireValue(State s) {
    return s.lease() != 0 ? expireLease(s, s.lease()) : s.with(null, 0, NEVER);
  }

  /** The lease ends; its key goes with it. */
  private static State expireLease(State s, long lease) {
    Map<Long, Lease> leases = new HashMap<>(s.leases());
    leases.remove(lease);
    boolean attached = s.value() != null && s.lease() == lease;
    State left = s.withLeases(leases);
    return attached ? left.with(null, 0, NEVER) : left;
  }

  private State apply(State s, Timed t, Object output) {
    boolean any = output == Operation.UNKNOWN;
    Object in = t.input();
    if (in instanceof Get) {
      return any || Objects.equals(output, s.value()) ? s : null;
    }
    if (in instanceof Put p) {
      return s.with(p.value(), 0, expiresAt(t, p.ttlMillis()));
    }
    if (in instanceof PutIfAbsent p) {
      boolean sets = s.value() == null;
      if (!any && !Objects.equals(output, sets)) return null;
      return sets ? s.with(p.value(), 0, expiresAt(t, p.ttlMillis())) : s;
    }
    if (in instanceof Delete) {
      if (!any && !Objects.equals(output, s.value() != null)) return null;
      return s.with(null, 0, NEVER);
    }
    if (in instanceof Grant g) {
      if (!(output instanceof Long id)) return s; // unknown: nobody can refer to that lease
      if (s.leases().containsKey(id)) return null; // an id handed out twice
      Map<Long, Lease> leases = new HashMap<>(s.leases());
      long ttl = g.ttlMillis() * 1_000_000;
      leases.put(id, new Lease(ttl, t.invoked() + ttl - slackNanos));
      return s.withLeases(leases);
    }
    if (in instanceof PutWithLease p) {
      Lease l = s.leases().get(p.lease());
      boolean alive = l != null;
      if (!any && !Objects.equals(output, alive)) return null;
      return alive ? s.with(p.value(), p.lease(), l.notBefore()) : s;
    }
    if (in instanceof KeepAlive k) {
      Lease l = s.leases().get(k.lease());
      boolean alive = l != null;
      if (!any && !Objects.equals(output, alive)) return null;
      if (!alive) return s;
      Lease extended = new Lease(l.ttlNanos(), Math.max(l.notBefore(), t.invoked() + l.ttlNanos() - slackNanos));
      Map<Long, Lease> leases = new HashMap<>(s.leases());
      leases.put(k.lease(), extended);
      boolean attached = s.value() != null && s.lease() == k.lease();
      return s.withLeases(leases).with(s.value(), s.lease(), attached ? extended.notBefore() : s.notBefore());
    }
    if (in instanceof Revoke r) {
      boolean alive = s.leases().containsKey(r.lease());
      boolean attached = alive && s.value() != null && s.lease() == r.lease();
      long answer = !alive ? -1 : attached ? 1 : 0;
      if (!any && !Objects.equals(output, answer)) return null;
      return alive ? expireLease(s, r.lease()) : s;
    }
    throw new IllegalArgumentException("not an expiring-register operation: " + in);
  }

  private long expiresAt(Timed t, long ttlMillis) {
    return ttlMillis > 0 ? t.invoked() + ttlMillis * 1_000_000 - slackNanos : NEVER;
  }

  /** Drops leases no later operation names; the value keeps its own expiry time. */
  private static State forget(State s, Set<Long> lastUse) {
    if (lastUse.isEmpty() || s.leases().keySet().stream().noneMatch(lastUse::contains)) return s;
    Map<Long, Lease> leases = new HashMap<>(s.leases());
    leases.keySet().removeAll(lastUse);
    return s.withLeases(leases);
  }
}
