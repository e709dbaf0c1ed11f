using Prox.Refinement;

namespace Prox.Tests.Refinement;

public class HandoffTests
{
    [Fact]
    public void Delivers_every_item_in_order_across_threads_with_a_small_capacity()
    {
        var queue = new Handoff<int>(2);
        var producer = new Thread(() =>
        {
            for (var i = 0; i < 10_000; i++) queue.Add(i, CancellationToken.None);
            queue.Complete();
        });
        producer.Start();
        var seen = new List<int>();
        while (queue.TryTake(out var item, CancellationToken.None)) seen.Add(item);
        producer.Join();
        Assert.Equal(Enumerable.Range(0, 10_000), seen);
    }

    [Fact]
    public void A_failed_producer_reaches_the_consumer_after_the_items_it_sent()
    {
        var queue = new Handoff<string>(4);
        queue.Add("a", CancellationToken.None);
        var cause = new InvalidDataException("bad input");
        queue.Complete(cause);
        Assert.True(queue.TryTake(out var first, CancellationToken.None));
        Assert.Equal("a", first);
        var e = Assert.Throws<OperationCanceledException>(() => queue.TryTake(out _, CancellationToken.None));
        Assert.Same(cause, e.InnerException);
    }

    [Fact]
    public void Cancellation_wakes_a_blocked_producer_and_a_blocked_consumer()
    {
        using var cts = new CancellationTokenSource();
        var full = new Handoff<int>(1);
        full.Add(1, CancellationToken.None);
        var empty = new Handoff<int>(1);
        Exception? producerError = null, consumerError = null;
        var producer = new Thread(() => { try { full.Add(2, cts.Token); } catch (Exception e) { producerError = e; } });
        var consumer = new Thread(() => { try { empty.TryTake(out _, cts.Token); } catch (Exception e) { consumerError = e; } });
        producer.Start();
        consumer.Start();
        Thread.Sleep(50);
        cts.Cancel();
        Assert.True(producer.Join(TimeSpan.FromSeconds(10)));
        Assert.True(consumer.Join(TimeSpan.FromSeconds(10)));
        Assert.IsAssignableFrom<OperationCanceledException>(producerError);
        Assert.IsAssignableFrom<OperationCanceledException>(consumerError);
    }

    [Fact]
    public void Adding_after_completion_is_refused()
    {
        var queue = new Handoff<int>(1);
        queue.Complete();
        Assert.Throws<InvalidOperationException>(() => queue.Add(1, CancellationToken.None));
        Assert.False(queue.TryTake(out _, CancellationToken.None));
    }
}
