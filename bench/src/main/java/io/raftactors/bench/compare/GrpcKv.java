package io.raftactors.bench.compare;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Thin etcd KV client on the generated grpc-java stubs (shipped with jetcd), as the anchors
 * measured etcd: direct executor (no retry layer, no executor hop), one HTTP/2 channel per
 * member; virtual client i always uses member i % members.
 */
final class GrpcKv implements AutoCloseable {
  private final ManagedChannel[] channels;
  private final KVGrpc.KVStub[] stubs;

  GrpcKv(List<InetSocketAddress> members) {
    channels = new ManagedChannel[members.size()];
    stubs = new KVGrpc.KVStub[members.size()];
    for (int i = 0; i < channels.length; i++) {
      channels[i] = NettyChannelBuilder.forAddress(members.get(i)).usePlaintext().directExecutor().build();
      stubs[i] = KVGrpc.newStub(channels[i]);
    }
  }

  CompletableFuture<PutResponse> put(int client, ByteString key, ByteString value) {
    FutureObserver<PutResponse> f = new FutureObserver<>();
    stubs[client % stubs.length].put(PutRequest.newBuilder().setKey(key).setValue(value).build(), f);
    return f;
  }

  CompletableFuture<RangeResponse> get(int client, ByteString key, boolean serializable) {
    FutureObserver<RangeResponse> f = new FutureObserver<>();
    stubs[client % stubs.length].range(RangeRequest.newBuilder().setKey(key).setSerializable(serializable).build(), f);
    return f;
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel ch : channels) ch.shutdownNow();
    for (ManagedChannel ch : channels) ch.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** A unary call's response as a future. */
  static final class FutureObserver<T> extends CompletableFuture<T> implements StreamObserver<T> {
    @Override
    public void onNext(T v) {
      complete(v);
    }

    @Override
    public void onError(Throwable t) {
      completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      if (!isDone()) completeExceptionally(new IllegalStateException("completed without a response"));
    }
  }
}
