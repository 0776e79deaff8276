package api

import (
	"fmt"
	"strconv"

	"github.com/gin-gonic/gin"
)

// Paging defaults: a screenful by default, and a cap that keeps one page's
// query cheap.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
	maxPageNumber   = 1_000_000
)

type page struct {
	Number int
	Size   int
}

func (p page) offset() int { return (p.Number - 1) * p.Size }

// readPage reads page (from 1) and page_size from the query.
func readPage(c *gin.Context) (page, error) {
	number, err := intParam(c, "page", 1, 1, maxPageNumber)
	if err != nil {
		return page{}, err
	}
	size, err := intParam(c, "page_size", defaultPageSize, 1, maxPageSize)
	if err != nil {
		return page{}, err
	}
	return page{Number: number, Size: size}, nil
}

func intParam(c *gin.Context, name string, fallback, lo, hi int) (int, error) {
	raw, ok := c.GetQuery(name)
	if !ok {
		return fallback, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, badRequest(CodeInvalidParameter,
			fmt.Sprintf("%s must be an integer from %d to %d", name, lo, hi))
	}
	return n, nil
}
