package tui

// stack is the navigation stack: drilling pushes a page, back pops it.
// A covered page keeps its state (cursor, tab) and reloads when revealed.
type stack struct {
	pages []Page
}

func (s *stack) push(p Page) { s.pages = append(s.pages, p) }

// pop removes the top page unless it is the last, and reports whether it did.
func (s *stack) pop() bool {
	if len(s.pages) <= 1 {
		return false
	}
	s.pages = s.pages[:len(s.pages)-1]
	return true
}

func (s *stack) top() Page {
	if len(s.pages) == 0 {
		return nil
	}
	return s.pages[len(s.pages)-1]
}

// crumbs are the titles from the bottom of the stack to the top.
func (s *stack) crumbs() []string {
	out := make([]string, len(s.pages))
	for i, p := range s.pages {
		out[i] = p.Title()
	}
	return out
}
