/* iot-colour-rules.h — the packet list's colouring rules (GSettings key
 * colour-rules): display filter → foreground and background colour, in
 * order, the first enabled rule a frame matches colouring its row, as
 * Wireshark's coloring rules. */
#pragma once

#include <gtk/gtk.h>

#include "iot-engine.h"
#include "iot-window.h"

G_BEGIN_DECLS

/* One rule, as the editor lists it. */
#define IOT_TYPE_COLOUR_RULE (iot_colour_rule_get_type ())
G_DECLARE_FINAL_TYPE (IotColourRule, iot_colour_rule, IOT, COLOUR_RULE, GObject)

IotColourRule *iot_colour_rule_new (const char *name, gboolean enabled, const char *filter,
                                    const char *foreground, const char *background);
const char    *iot_colour_rule_get_name (IotColourRule *self);
gboolean       iot_colour_rule_get_enabled (IotColourRule *self);
const char    *iot_colour_rule_get_filter (IotColourRule *self);
const char    *iot_colour_rule_get_foreground (IotColourRule *self);
const char    *iot_colour_rule_get_background (IotColourRule *self);
void           iot_colour_rule_set_name (IotColourRule *self, const char *name);
void           iot_colour_rule_set_enabled (IotColourRule *self, gboolean enabled);
void           iot_colour_rule_set_filter (IotColourRule *self, const char *filter);
void           iot_colour_rule_set_foreground (IotColourRule *self, const char *colour);
void           iot_colour_rule_set_background (IotColourRule *self, const char *colour);

/* The rules of @value (a(sbsss)) as IotColourRule items, and back. */
GListStore    *iot_colour_rules_from_variant (GVariant *value);
GVariant      *iot_colour_rules_to_variant (GListModel *rules);

/* The rules compiled once, for one thread (a compiled filter is not
 * thread-safe).  Rules that are disabled or do not compile never match. */
typedef struct _IotColourRuleSet IotColourRuleSet;

IotColourRuleSet  *iot_colour_rule_set_new (GVariant *value);
void               iot_colour_rule_set_free (IotColourRuleSet *self);
/* The same rules compiled anew, for another thread. */
IotColourRuleSet  *iot_colour_rule_set_copy (IotColourRuleSet *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotColourRuleSet, iot_colour_rule_set_free)
/* The fields the rules read: dissect with these wanted. */
const IotFieldSet *iot_colour_rule_set_fields (IotColourRuleSet *self);
/* The index (in the settings' list) of the first enabled rule the
 * dissected frame in @pkt matches, -1 for none. */
int                iot_colour_rule_set_match (IotColourRuleSet *self, IotPacket *pkt);
guint              iot_colour_rule_set_n_rules (IotColourRuleSet *self);

/* The style class of rule @index's rows ("colour-rule-3"), NULL past the
 * last one a style sheet is made for. */
const char        *iot_colour_rule_class (int index);
/* The style sheet for @value's rules. */
char              *iot_colour_rules_css (GVariant *value);

/* Colours @window's packet list by @settings' rules, now and whenever
 * they change. */
void               iot_colour_rules_attach (IotWindow *window, GSettings *settings);

G_END_DECLS
