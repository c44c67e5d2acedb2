package io.raftactors.testkit.lin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a history is linearizable with respect to a {@link Model}: the Wing & Gong
 * search with Lowe's memoization of (linearized set, model state), as in Porcupine. Operations
 * are partitioned by key and each partition is checked on its own (P-compositionality); a
 * history with {@code key == null} operations is checked as one partition. An operation whose
 * outcome is unknown has no return: it may take effect anywhere after its invocation, and
 * "never" is the same as "after everything else", which a write can always do.
 */
public final class LinearizabilityChecker {
  private LinearizabilityChecker() {}

  /** The verdict; for a violation, the operations around the point where no order fits. */
  public record Result(boolean linearizable, boolean timedOut, String key, List<Operation> window,
      List<Operation> longestPrefix) {
    static Result ok() {
      return new Result(true, false, null, List.of(), List.of());
    }

    /** A readable account of a violation. */
    public String explain() {
      if (linearizable) return "linearizable";
      if (timedOut) return "undecided: the search ran out of time" + (key == null ? "" : " on key " + key);
      StringBuilder sb = new StringBuilder("not linearizable").append(key == null ? "" : " on key " + key)
          .append(".\nThe longest order that fits (").append(longestPrefix.size()).append(" operations) ends with:\n");
      for (Operation op : longestPrefix.subList(Math.max(0, longestPrefix.size() - 5), longestPrefix.size())) {
        sb.append("  ").append(op).append('\n');
      }
      long origin = window.stream().mapToLong(Operation::invoked).min().orElse(0);
      sb.append("and none of these can come next (times in µs from the first of them):\n");
      for (Operation op : window) {
        sb.append("  ").append(op).append("   [").append((op.invoked() - origin) / 1000).append(", ")
            .append(op.completed() == Long.MAX_VALUE ? "∞" : Long.toString((op.completed() - origin) / 1000))
            .append("]\n");
      }
      return sb.toString();
    }
  }

  public static <S> Result check(Model<S> model, List<Operation> history) {
    return check(model, history, Long.MAX_VALUE);
  }

  /** Checks every partition; gives up (timedOut) after {@code budgetNanos} in total. */
  public static <S> Result check(Model<S> model, List<Operation> history, long budgetNanos) {
    long deadline = budgetNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + budgetNanos;
    Map<String, List<Operation>> partitions = new LinkedHashMap<>();
    boolean whole = history.stream().anyMatch(op -> op.key() == null);
    for (Operation op : history) partitions.computeIfAbsent(whole ? null : op.key(), k -> new ArrayList<>()).add(op);
    for (Map.Entry<String, List<Operation>> p : partitions.entrySet()) {
      Result r = new Search<>(model, p.getKey(), model.prepare(p.getValue()), deadline).run();
      if (!r.linearizable()) return r;
    }
    return Result.ok();
  }

  /** Events of one partition in a doubly linked list; linearizing an operation lifts it out. */
  private static final class Search<S> {
    private static final class Node {
      final Operation op;
      final int index;
      final boolean call;
      Node match;
      Node prev;
      Node next;

      Node(Operation op, int index, boolean call) {
        this.op = op;
        this.index = index;
        this.call = call;
      }
    }

    /**
     * A linearized call and the state before it; forced: it is read-only (see run).
     * The stack is a list linked through {@code below}, so that remembering the longest order
     * so far costs a reference, not a copy.
     */
    private record Frame<S>(Node call, S state, boolean forced, Frame<S> below, int depth) {}

    /**
     * A memoized (linearized set, state), the set by two independent Zobrist hashes kept up to
     * date as operations are linearized and undone: O(1) per step and a few words per entry,
     * however many operations stay pending (unknown outcomes never return). Two different sets
     * share both hashes with odds of about 2^-128 per pair; and a wrong "seen" could only prune,
     * so it could never turn a violation into a pass.
     */
    private record Seen<S>(long h1, long h2, S state) {}

    private final Model<S> model;
    private final String key;
    private final List<Operation> ops;
    private final long deadline;
    private final Node head = new Node(null, -1, false);

    Search(Model<S> model, String key, List<Operation> ops, long deadline) {
      this.model = model;
      this.key = key;
      this.ops = ops;
      this.deadline = deadline;
      List<Node> events = new ArrayList<>(ops.size() * 2);
      for (int i = 0; i < ops.size(); i++) {
        Node call = new Node(ops.get(i), i, true);
        Node ret = new Node(ops.get(i), i, false);
        call.match = ret;
        events.add(call);
        events.add(ret);
      }
      // By time; at equal times calls first, so that touching operations count as concurrent.
      events.sort(Comparator.<Node>comparingLong(n -> n.call ? n.op.invoked() : n.op.completed())
          .thenComparing(n -> n.call ? 0 : 1));
      Node last = head;
      for (Node n : events) {
        last.next = n;
        n.prev = last;
        last = n;
      }
    }

    Result run() {
      S state = model.init();
      java.util.SplittableRandom zobrist = new java.util.SplittableRandom(0x5eed);
      long[] z1 = new long[ops.size()];
      long[] z2 = new long[ops.size()];
      for (int i = 0; i < z1.length; i++) {
        z1[i] = zobrist.nextLong();
        z2[i] = zobrist.nextLong();
      }
      long h1 = 0;
      long h2 = 0;
      Set<Seen<S>> cache = new HashSet<>();
      Frame<S> stack = null;
      Frame<S> best = null;
      Node stuckAt = null;
      Node entry = head.next;
      long steps = 0;
      while (head.next != null) {
        if ((++steps & 0xFFF) == 0 && System.nanoTime() > deadline) {
          return new Result(false, true, key, List.of(), List.of());
        }
        if (entry.call && entry.op.unknown() && hasTwinBefore(entry)) {
          entry = entry.next; // an equal pending operation before it goes first: same futures
          continue;
        }
        if (entry.call) {
          S next = model.step(state, entry.op.input(), entry.op.output());
          if (next != null) {
            h1 ^= z1[entry.index];
            h2 ^= z2[entry.index];
            if (cache.add(new Seen<>(h1, h2, next))) {
              boolean readOnly = model.readOnly(entry.op.input(), entry.op.output()) && next.equals(state);
              stack = new Frame<>(entry, state, readOnly, stack, depth(stack) + 1);
              state = next;
              lift(entry);
              entry = head.next;
              continue;
            }
            h1 ^= z1[entry.index];
            h2 ^= z2[entry.index];
          }
          entry = entry.next;
        } else {
          if (stuckAt == null || depth(stack) > depth(best)) {
            best = stack;
            stuckAt = entry;
          }
          // A read-only operation (Model.readOnly) that fit here could have gone here in any
          // order that works (moving it earlier changes no one's view), so there is no point
          // trying it later: backtrack past it. This prunes the 2^k orders of k concurrent reads.
          Frame<S> top;
          do {
            if (stack == null) return violation(prefix(best), stuckAt);
            top = stack;
            stack = top.below();
            state = top.state();
            h1 ^= z1[top.call().index];
            h2 ^= z2[top.call().index];
            unlift(top.call());
          } while (top.forced());
          entry = top.call().next;
        }
      }
      return Result.ok();
    }

    /**
     * Whether an unknown-outcome operation with an equal input is still pending before this one.
     * Two such operations have the same effect, any answer and no return: whichever takes effect
     * first, the rest of the search is the same, so only the earlier is tried (symmetry
     * reduction; without it, k pending unknown writes give 2^k memoized subsets).
     */
    private boolean hasTwinBefore(Node call) {
      for (Node n = call.prev; n != head; n = n.prev) {
        if (n.call && n.op.unknown() && n.op.input().equals(call.op.input())) return true;
      }
      return false;
    }

    private static void lift(Node call) {
      call.prev.next = call.next;
      if (call.next != null) call.next.prev = call.prev;
      Node ret = call.match;
      ret.prev.next = ret.next;
      if (ret.next != null) ret.next.prev = ret.prev;
    }

    private static void unlift(Node call) {
      Node ret = call.match;
      ret.prev.next = ret;
      if (ret.next != null) ret.next.prev = ret;
      call.prev.next = call;
      if (call.next != null) call.next.prev = call;
    }

    private static int depth(Frame<?> f) {
      return f == null ? 0 : f.depth();
    }

    /** The calls of a stack, bottom first. */
    private List<Operation> prefix(Frame<S> top) {
      List<Operation> order = new ArrayList<>(depth(top));
      for (Frame<S> f = top; f != null; f = f.below()) order.add(f.call().op);
      java.util.Collections.reverse(order);
      return order;
    }

    /**
     * The operation whose return could not be passed, and every operation not in the longest
     * fitting order that overlaps it in time: the smallest window that shows the conflict.
     */
    private Result violation(List<Operation> best, Node stuckAt) {
      Operation stuck = stuckAt.op;
      Set<Integer> placed = new HashSet<>();
      for (Operation op : best) placed.add(op.id());
      List<Operation> window = new ArrayList<>();
      for (Operation op : ops) {
        if (placed.contains(op.id())) continue;
        if (op.invoked() <= stuck.completed() && op.completed() >= stuck.invoked()) window.add(op);
      }
      window.sort(Comparator.comparingLong(Operation::invoked));
      return new Result(false, false, key, window, best);
    }
  }
}
