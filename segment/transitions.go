package segment

// Move is one customer's change of segment between two snapshots.
type Move struct {
	ID       string
	From, To string
}

// Transitions compares two snapshots of the same segmentation.
type Transitions struct {
	// Names are the segments in rank order (as [Segmentation.Names]).
	Names []string
	// Counts[i][j] is how many customers moved from Names[i] to Names[j];
	// Gone[i] how many of Names[i] are not in the second snapshot, New[j]
	// how many of Names[j] were not in the first. A row of Counts plus
	// Gone adds up to the size of that segment in the first snapshot.
	Counts    [][]int
	Gone, New []int
	// Up and Down list the customers who moved to a higher- or
	// lower-ranked segment (down: at risk), in the order of before.
	Up, Down []Move
}

// Snapshot is one assignment: customer ID → segment name.
type Snapshot struct {
	IDs      []string
	Segments []string
}

// Transition builds the transition matrix between two snapshots.
// Segments not in the segmentation are an error.
func (s *Segmentation) Transition(before, after Snapshot) (Transitions, error) {
	names := s.Names()
	t := Transitions{Names: names, Counts: make([][]int, len(names)), Gone: make([]int, len(names)), New: make([]int, len(names))}
	for i := range t.Counts {
		t.Counts[i] = make([]int, len(names))
	}
	if len(before.IDs) != len(before.Segments) || len(after.IDs) != len(after.Segments) {
		return Transitions{}, inputErr("Transition", "snapshot", "has IDs and Segments of different lengths")
	}
	now := make(map[string]int, len(after.IDs))
	for i, id := range after.IDs {
		r := s.rank(after.Segments[i])
		if r < 0 {
			return Transitions{}, inputErr("Transition", "after", "has unknown segment %q", after.Segments[i])
		}
		now[id] = r
	}
	seen := make(map[string]bool, len(before.IDs))
	for i, id := range before.IDs {
		from := s.rank(before.Segments[i])
		if from < 0 {
			return Transitions{}, inputErr("Transition", "before", "has unknown segment %q", before.Segments[i])
		}
		seen[id] = true
		to, ok := now[id]
		if !ok {
			t.Gone[from]++
			continue
		}
		t.Counts[from][to]++
		switch {
		case to < from:
			t.Up = append(t.Up, Move{id, names[from], names[to]})
		case to > from:
			t.Down = append(t.Down, Move{id, names[from], names[to]})
		}
	}
	for id, to := range now {
		if !seen[id] {
			t.New[to]++
		}
	}
	return t, nil
}
