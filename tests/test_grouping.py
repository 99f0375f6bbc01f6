import doctest
import random

import cibscan.grouping as grouping
from cibscan.grouping import linked_groups


def test_doctests():
    assert doctest.testmod(grouping).failed == 0


def test_groups_are_the_connected_components():
    rnd = random.Random(4)
    edges = {(a, b) for a, b in (sorted(rnd.sample(range(30), 2)) for _ in range(25))}
    groups = linked_groups(30, lambda i, j: (i, j) in edges)
    assert sorted(i for g in groups for i in g) == list(range(30))
    where = {i: k for k, g in enumerate(groups) for i in g}
    assert all(where[a] == where[b] for a, b in edges)
    # no group can be split without cutting an edge: each group is connected
    for g in groups:
        seen, todo = {g[0]}, [g[0]]
        while todo:
            x = todo.pop()
            for a, b in edges:
                for y in ((b,) if a == x else (a,) if b == x else ()):
                    if y not in seen:
                        seen.add(y)
                        todo.append(y)
        assert seen == set(g)
    assert [g[0] for g in groups] == sorted(g[0] for g in groups)
