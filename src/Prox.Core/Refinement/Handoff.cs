namespace Prox.Refinement;

/// <summary>
/// A small bounded queue between two dedicated threads (reader → refiner → writer). Waiting blocks the thread on a
/// monitor; unlike <c>Channel</c> with synchronous waits, nothing is scheduled on the thread pool, whose workers spin
/// after each continuation and would steal the core from the pipeline when it runs on one or two cores.
/// </summary>
internal sealed class Handoff<T>
{
    private readonly Queue<T> _items;
    private readonly int _capacity;
    private readonly object _gate = new();
    private bool _completed;
    private Exception? _fault;

    public Handoff(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _items = new Queue<T>(capacity);
    }

    /// <summary>Adds an item, waiting while the queue is full. Throws when cancelled or when the queue was completed.</summary>
    public void Add(T item, CancellationToken cancel)
    {
        using var wake = cancel.CanBeCanceled ? cancel.Register(PulseAll) : default;
        lock (_gate)
        {
            while (_items.Count >= _capacity && !_completed)
            {
                cancel.ThrowIfCancellationRequested();
                Monitor.Wait(_gate);
            }
            cancel.ThrowIfCancellationRequested();
            if (_completed) throw new InvalidOperationException("the handoff queue is already completed");
            _items.Enqueue(item);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Takes the next item, waiting while the queue is empty. Returns false once the queue is completed and drained;
    /// rethrows the producer's failure when it completed with one.
    /// </summary>
    public bool TryTake(out T item, CancellationToken cancel)
    {
        using var wake = cancel.CanBeCanceled ? cancel.Register(PulseAll) : default;
        lock (_gate)
        {
            while (_items.Count == 0 && !_completed)
            {
                cancel.ThrowIfCancellationRequested();
                Monitor.Wait(_gate);
            }
            if (_items.Count > 0)
            {
                item = _items.Dequeue();
                Monitor.PulseAll(_gate);
                return true;
            }
            if (_fault is not null) throw new OperationCanceledException("the producing stage failed", _fault);
            cancel.ThrowIfCancellationRequested();
            item = default!;
            return false;
        }
    }

    /// <summary>Marks the end of the items; <paramref name="fault"/> tells the consumer the producer failed.</summary>
    public void Complete(Exception? fault = null)
    {
        lock (_gate)
        {
            _completed = true;
            _fault ??= fault;
            Monitor.PulseAll(_gate);
        }
    }

    private void PulseAll()
    {
        lock (_gate) Monitor.PulseAll(_gate);
    }
}
