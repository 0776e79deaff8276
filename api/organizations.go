package api

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"clearinghouse/store"
)

var organizationIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

type organizationList struct {
	Items []orgRef `json:"items"`
}

// listOrganizations feeds the portal's broker pickers ("name / id"). A
// broker gets only its own organisation.
func (s *Server) listOrganizations(c *gin.Context) {
	ctx := c.Request.Context()
	sess := session(c)
	list := organizationList{Items: []orgRef{}}
	if sess.Role == store.RoleBroker {
		org, err := s.Store.Organization(ctx, sess.OrganizationID)
		if err != nil {
			fail(c, err)
			return
		}
		list.Items = append(list.Items, orgRef{ID: org.ID, Name: org.Name})
		c.JSON(http.StatusOK, list)
		return
	}
	brokers, err := s.Store.Brokers(ctx)
	if err != nil {
		fail(c, err)
		return
	}
	for _, b := range brokers {
		list.Items = append(list.Items, orgRef{ID: b.ID, Name: b.Name})
	}
	c.JSON(http.StatusOK, list)
}

type createOrganizationRequest struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// createOrganization registers a data broker.
func (s *Server) createOrganization(c *gin.Context) {
	var req createOrganizationRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	name := strings.TrimSpace(req.Name)
	if !organizationIDPattern.MatchString(req.ID) || name == "" || len([]rune(name)) > 200 ||
		!plainText(name, false) {
		fail(c, badRequest(CodeInvalidOrganization,
			"id must be 1 to 64 letters, digits, '_' or '-', and name 1 to 200 characters"))
		return
	}
	org := store.Organization{
		ID: req.ID, Name: name, Kind: store.KindBroker, Active: true, CreatedAt: s.Now(),
	}
	err := s.Store.CreateOrganization(c.Request.Context(), org)
	if errors.Is(err, store.ErrConflict) {
		fail(c, newError(http.StatusConflict, CodeAlreadyExists, "an organisation has id "+req.ID))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, orgRef{ID: org.ID, Name: org.Name})
}
