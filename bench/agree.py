#!/usr/bin/env python3
"""Do tokenscope and the PyTorch peer give the same log-probabilities on the same checkpoint?

  python3 bench/agree.py OURS.tsv PEER.tsv [--tolerance 1e-3]

Each file is what `tokenscope bench --logprobs FILE` and `bench/peer_torch.py --logprobs FILE` write:
"position<TAB>id<TAB>logprob" per scored position of the same pseudo-random ids. Checks that the
ids are the same, prints the number of positions compared, the largest and the mean absolute difference in nats, and exits 1 when the
positions differ or the largest difference is over the tolerance. The files of `bench --attribute N
--attributions FILE` and `peer_torch.py --attribute N --attributions FILE` ("index<TAB>id<TAB>score" per
input row) compare the same way.
"""
import argparse
import sys


def read(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                position, token, value = line.split("\t")
                out[int(position)] = (int(token), float(value))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("ours")
    p.add_argument("peer")
    p.add_argument("--tolerance", type=float, default=1e-3, help="largest difference allowed, in nats")
    a = p.parse_args()
    ours, peer = read(a.ours), read(a.peer)
    if ours.keys() != peer.keys():
        print(f"positions differ: {len(ours)} scored by tokenscope, {len(peer)} by the peer, "
              f"{len(ours.keys() ^ peer.keys())} in only one", file=sys.stderr)
        return 1
    if not ours:
        print("nothing to compare", file=sys.stderr)
        return 1
    other = [i for i in ours if ours[i][0] != peer[i][0]]
    if other:
        print(f"the ids differ at {len(other)} positions, first {other[0]}: {ours[other[0]][0]} against {peer[other[0]][0]}",
              file=sys.stderr)
        return 1
    diffs = [abs(ours[i][1] - peer[i][1]) for i in ours]
    worst = max(range(len(diffs)), key=diffs.__getitem__)
    position = list(ours)[worst]
    mean_lp = sum(v for _, v in ours.values()) / len(ours)
    print(f"{len(diffs)} positions, mean log-prob {mean_lp:.4f}: largest difference {diffs[worst]:.2e} nats "
          f"(position {position}), mean {sum(diffs) / len(diffs):.2e}")
    return 0 if diffs[worst] <= a.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
