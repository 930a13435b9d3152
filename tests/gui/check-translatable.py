#!/usr/bin/env python3
"""Every string a user reads in a .ui file is marked translatable, every
file with translatable strings (_(), N_(), C_(), ngettext()) is listed in
po/POTFILES, xgettext builds a catalogue from that list holding the
strings of each file, every language of po/LINGUAS has its po/LANG.po and
`msgfmt --check` accepts it (formats, plural forms, header), and every
button that shows only an icon has a name for screen readers."""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.environ.get('IOTSCOPE_SOURCE_ROOT', os.path.join(os.path.dirname(__file__), '..', '..'))
# Properties whose value is text shown to the user (or read to them by a
# screen reader).
TEXT_PROPERTIES = {'label', 'title', 'subtitle', 'tooltip-text', 'placeholder-text', 'text',
                   'secondary-text', 'description', 'comments'}
LETTER = re.compile(r'[^\W\d_]', re.UNICODE)


def unmarked_strings(path):
    """(line-less) descriptions of the user-visible strings of @path that
    are not marked translatable."""
    tree = ET.parse(path)
    problems = []
    marked = []
    for parent in tree.iter():
        for child in parent:
            text = (child.text or '').strip()
            if not LETTER.search(text):
                continue
            name = child.get('name')
            visible = ((child.tag == 'property' and name in TEXT_PROPERTIES)
                       or (child.tag == 'attribute' and name == 'label')
                       or (child.tag == 'item' and parent.tag == 'items'))
            if not visible:
                continue
            if child.get('translatable') == 'yes':
                marked.append(text)
            elif child.get('translatable') == 'no':
                continue   # said on purpose: a filter name, a table name
            else:
                problems.append('%s: <%s name="%s">%s</%s> is not translatable'
                                % (os.path.relpath(path, ROOT), child.tag, name, text, child.tag))
    return problems, marked


def nameless_icon_buttons(path):
    """Buttons of @path that show only an icon and give screen readers no
    name (a tooltip is not one in GTK 4.8)."""
    problems = []
    for obj in ET.parse(path).iter('object'):
        if obj.get('class') not in ('GtkButton', 'GtkToggleButton', 'GtkMenuButton'):
            continue
        props = {p.get('name'): p for p in obj.findall('property')}
        if 'icon-name' not in props or 'label' in props or obj.find('child') is not None:
            continue
        names = [p for a in obj.findall('accessibility') for p in a.findall('property')
                 if p.get('name') == 'label' and (p.text or '').strip()]
        if not names:
            problems.append('%s: the %s showing %s has no accessible label'
                            % (os.path.relpath(path, ROOT), obj.get('class'), props['icon-name'].text))
    return problems


def source_files_with_strings():
    """Files of the window that hold strings for translators."""
    found = set()
    for folder in ('ui', 'src/app'):
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            rel = folder + '/' + name
            with open(os.path.join(ROOT, rel), encoding='utf-8') as f:
                text = f.read()
            if name.endswith('.ui') and 'translatable="yes"' in text:
                found.add(rel)
            elif name.endswith('.c') and re.search(r'\b(N?_|C_|ngettext)\s*\(\s*"', text):
                found.add(rel)
    return found


def check_translations():
    """Problems of the translations named in po/LINGUAS."""
    problems = []
    with open(os.path.join(ROOT, 'po', 'LINGUAS'), encoding='utf-8') as f:
        languages = [w for line in f if not line.startswith('#') for w in line.split()]
    for lang in languages:
        po = os.path.join(ROOT, 'po', lang + '.po')
        if not os.path.exists(po):
            problems.append('po/LINGUAS names %s, but po/%s.po does not exist' % (lang, lang))
            continue
        run = subprocess.run(['msgfmt', '--check', '--statistics', '-o', os.devnull, po],
                             capture_output=True, text=True)
        if run.returncode != 0:
            problems.append('msgfmt --check po/%s.po: %s' % (lang, run.stderr.strip()))
        else:
            print('po/%s.po: %s' % (lang, run.stderr.strip()))
    return problems


def main():
    failures = []
    marked_by_file = {}
    ui_dir = os.path.join(ROOT, 'ui')
    for name in sorted(os.listdir(ui_dir)):
        if name.endswith('.ui'):
            problems, marked = unmarked_strings(os.path.join(ui_dir, name))
            failures += problems
            failures += nameless_icon_buttons(os.path.join(ui_dir, name))
            marked_by_file['ui/' + name] = marked

    with open(os.path.join(ROOT, 'po', 'POTFILES'), encoding='utf-8') as f:
        potfiles = [line.strip() for line in f if line.strip() and not line.startswith('#')]
    for rel in potfiles:
        if not os.path.exists(os.path.join(ROOT, rel)):
            failures.append('po/POTFILES names %s, which does not exist' % rel)
    for rel in sorted(source_files_with_strings() - set(potfiles)):
        failures.append('%s has strings for translators but is not in po/POTFILES' % rel)

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'iotscope.pot')
        subprocess.run(['xgettext', '--from-code=UTF-8', '--no-wrap', '--keyword=_', '--keyword=N_',
                        '--keyword=C_:1c,2', '--keyword=NC_:1c,2', '--keyword=g_dngettext:2,3',
                        '--keyword=ngettext:1,2', '--add-comments=Translators', '--directory', ROOT,
                        '--output', pot, '--files-from', os.path.join(ROOT, 'po', 'POTFILES')],
                       check=True)
        with open(pot, encoding='utf-8') as f:
            catalogue = f.read()
        subprocess.run(['msgfmt', '--check-format', '-o', os.devnull, pot], check=True)
    msgids = set(re.findall(r'^msgid "(.*)"$', catalogue, re.M))
    n_files = 0
    for rel, marked in marked_by_file.items():
        if rel not in potfiles or not marked:
            continue
        n_files += 1
        first = marked[0].replace('\\', '\\\\').replace('"', '\\"')
        if '\n' not in first and first not in msgids:
            failures.append('%s: "%s" is missing from the catalogue' % (rel, first))

    failures += check_translations()

    for failure in failures:
        print(failure)
    if failures:
        print('%d problems' % len(failures))
        return 1
    print('%d .ui files, %d strings marked in them, %d messages in the catalogue, %d files in POTFILES'
          % (len(marked_by_file), sum(len(m) for m in marked_by_file.values()), len(msgids) - 1,
             len(potfiles)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
