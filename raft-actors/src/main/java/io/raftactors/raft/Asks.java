package io.raftactors.raft;

import akka.actor.typed.ActorRef;
import akka.actor.typed.RecipientRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * Request-response between actors without Akka's {@code ActorContext.ask}. In Akka 2.8 (javadsl)
 * that ask and {@code pipeToSelf} run their callback through Scala's CompletableFuture, which
 * executes even non-async callbacks on {@code ForkJoinPool.commonPool()} — and on a machine with
 * two cores that pool has parallelism 1, so the JDK starts a new thread for every callback
 * (measured: 50,000 threads and 4,000 reads/s instead of tens of thousands). These helpers
 * complete on the thread that delivers the answer instead.
 */
public final class Asks {
  private Asks() {}

  /**
   * Asks {@code target} and sends the actor of {@code ctx} the message {@code adapt} makes of the
   * answer or failure. {@code adapt} runs on another thread: it must only build a message.
   */
  public static <Req, Res, M> void askAndPipe(ActorContext<M> ctx, RecipientRef<Req> target,
      Duration timeout, akka.japi.function.Function<ActorRef<Res>, Req> request,
      BiFunction<Res, Throwable, ? extends M> adapt) {
    ActorRef<M> self = ctx.getSelf();
    AskPattern.ask(target, request, timeout, ctx.getSystem().scheduler())
        .whenCompleteAsync((answer, error) -> self.tell(adapt.apply(answer, error)), Runnable::run);
  }

  /** Asks {@code target}; the returned stage is a plain CompletableFuture completed where the answer arrives. */
  public static <Req, Res> CompletionStage<Res> ask(RecipientRef<Req> target, Duration timeout,
      akka.actor.typed.Scheduler scheduler, akka.japi.function.Function<ActorRef<Res>, Req> request) {
    CompletableFuture<Res> result = new CompletableFuture<>();
    AskPattern.ask(target, request, timeout, scheduler).whenCompleteAsync((answer, error) -> {
      if (error != null) result.completeExceptionally(error);
      else result.complete(answer);
    }, Runnable::run);
    return result;
  }
}
